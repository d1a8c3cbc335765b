// The TOTP helper against RFC 6238's test vectors (no browser or server needed).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { base32Decode, currentStep, totp, totpAtStep } from './lib.mjs'

// Base32 of the ASCII secret "12345678901234567890" used by RFC 6238 for SHA-1.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

test('base32 decodes the RFC secret', () => {
  assert.equal(base32Decode(RFC_SECRET).toString('ascii'), '12345678901234567890')
})

test('codes match RFC 6238 (SHA-1, last 6 digits)', () => {
  const vectors = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ]
  for (const [seconds, code] of vectors) {
    assert.equal(totpAtStep(RFC_SECRET, Math.floor(seconds / 30)), code, `T=${seconds}`)
  }
})

test('totp() uses the current step, with an offset', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
  const step = currentStep()
  const code = totp(secret)
  // Allow for the step changing between the two calls.
  assert.ok([totpAtStep(secret, step), totpAtStep(secret, step + 1)].includes(code))
  assert.match(totp(secret, 1), /^\d{6}$/)
})
