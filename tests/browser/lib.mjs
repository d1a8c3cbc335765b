// Shared helpers for Hearth's browser tests (run with `node --test tests/browser/`).
//
// The tests drive Debian's Chromium through playwright-core and run axe-core on every page
// they visit. They need a running Hearth with demo data at HEARTH_BASE_URL (default
// http://127.0.0.1:8080). CHROMIUM_PATH overrides /usr/bin/chromium. Screenshots go to
// test-results/.

import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const baseUrl = (process.env.HEARTH_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '')

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const resultsDir = path.join(repoRoot, 'test-results')
const axePath = path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js')

// ---- Demo data (fixed by the demo seed) ----

export const DEMO_PASSWORD = 'hearth-demo-password'
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
export const ACCOUNTS = {
  admin: 'demo.admin@hearth.example',
  practitioner: 'demo.practitioner@hearth.example',
  teamManager: 'demo.team-manager@hearth.example',
  serviceManager: 'demo.service-manager@hearth.example',
  businessSupport: 'demo.business-support@hearth.example',
  hr: 'demo.hr@hearth.example',
  nationalLeader: 'demo.national-leader@hearth.example',
  bank: 'demo.bank@hearth.example',
  finance: 'demo.finance@hearth.example',
}

// ---- Browser ----

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

// A fresh context (its own cookies) with a page in it. Relative URLs resolve against baseUrl.
// bypassCSP is only there so that axe-core can be injected: the server's script-src allows only
// its own files and nonced scripts, and Playwright injects axe as an inline script.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ baseURL: baseUrl, bypassCSP: true, ...options })
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(30_000)
  const page = await context.newPage()
  return { context, page }
}

// Fails fast, with a clear message, when nothing is listening at baseUrl.
export async function assertServerUp() {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) })
    assert.ok(res.ok, `GET ${baseUrl}/healthz answered ${res.status}`)
  } catch (e) {
    throw new Error(`Hearth is not answering at ${baseUrl} (set HEARTH_BASE_URL): ${e.message}`)
  }
}

export function pathOf(page) {
  return new URL(page.url()).pathname
}

// Clicks something that causes a full page load (a link or a form's submit button) and returns
// the main document's response, so the caller can check its status.
export async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()])
  return response
}

// Presses the button (or link styled as one, role="button") with exactly this name, waiting for
// the page it loads.
export function pressButton(page, name) {
  return clickAndWait(page, page.getByRole('button', { name, exact: true }))
}

// Types a date into a GOV.UK date input (day, month and year fields) as a person would:
// '2026-03-07' goes in as 7, 3 and 2026; '' clears all three.
export async function fillDate(page, field, iso) {
  const [year = '', month = '', day = ''] = iso ? iso.split('-') : []
  await page.fill(`#${field}-day`, day.replace(/^0/, ''))
  await page.fill(`#${field}-month`, month.replace(/^0/, ''))
  await page.fill(`#${field}-year`, year)
}

// The workers ranked on a case's allocate page, best first, and choosing one of them (by name,
// or by place: 0 is the top suggestion).
export async function rankedWorkers(page) {
  return (await page.locator('#suggestions-table input[name="worker_id"] + label').allInnerTexts()).map((n) => n.trim())
}

export async function chooseWorker(page, which) {
  const radios = page.locator('#suggestions-table input[name="worker_id"]')
  if (typeof which === 'number') await radios.nth(which).check()
  else await page.locator('#suggestions-table').getByLabel(which, { exact: true }).check()
}

// ---- Accessibility ----

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

async function injectAxe(page) {
  if (await page.evaluate(() => typeof window.axe === 'object')) return
  try {
    await page.addScriptTag({ path: axePath })
  } catch (e) {
    // In a context that does not bypass CSP the inline script is refused. Evaluating the source
    // through the DevTools protocol is not subject to the page's CSP.
    if (!/Content Security Policy/i.test(e.message)) throw e
    await page.evaluate(fs.readFileSync(axePath, 'utf8'))
  }
}

// Runs axe-core on the page as it is now and fails with a readable list of violations.
export async function expectNoAxeViolations(page, label) {
  await injectAxe(page)
  const violations = await page.evaluate(async (tags) => {
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    })
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }))
  }, AXE_TAGS)
  if (violations.length === 0) return
  const lines = [`axe: ${violations.length} violation(s) on ${label} (${page.url()})`]
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact}]: ${v.help}`, `  ${v.helpUrl}`)
    for (const node of v.nodes) {
      lines.push(`    at ${node.target}`)
      if (node.summary) lines.push(...node.summary.split('\n').map((l) => `      ${l}`))
    }
  }
  const report = lines.join('\n')
  console.error(report)
  assert.fail(report)
}

// ---- Layout ----

// The page itself must not scroll sideways (wide tables scroll inside .hearth-scroll-x instead).
export async function expectNoHorizontalScroll(page, label, width = 320) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
  if (scrollWidth <= width) return
  const culprits = await page.evaluate((w) => {
    const out = []
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect()
      if (r.right > w + 1 && !el.closest('.hearth-scroll-x')) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (right edge ${Math.round(r.right)}px)`)
      }
      if (out.length >= 10) break
    }
    return out
  }, width)
  assert.fail(`${label}: page is ${scrollWidth}px wide at a ${width}px viewport. Widest elements:\n  ${culprits.join('\n  ')}`)
}

// ---- Screenshots ----

export async function screenshot(page, name) {
  fs.mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

// ---- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) ----

export const TOTP_STEP_SECONDS = 30

export function currentStep(nowMs = Date.now()) {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS)
}

export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = text.replace(/[\s=-]/g, '').toUpperCase()
  const bytes = []
  let bits = 0
  let value = 0
  for (const ch of clean) {
    const index = alphabet.indexOf(ch)
    if (index < 0) throw new Error(`Not base32: ${JSON.stringify(text)}`)
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      bits -= 8
      bytes.push((value >>> bits) & 0xff)
    }
  }
  return Buffer.from(bytes)
}

// The code for an absolute time step.
export function totpAtStep(secretBase32, step) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const digest = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest()
  const offset = digest[digest.length - 1] & 0x0f
  const value = digest.readUInt32BE(offset) & 0x7fffffff
  return String(value % 1_000_000).padStart(6, '0')
}

// The code for the current step, or for a step either side of it.
export function totp(secretBase32, stepOffset = 0) {
  return totpAtStep(secretBase32, currentStep() + stepOffset)
}

// ---- One-time use of TOTP steps ----
//
// The server refuses a code whose step is at or before the last step that account used. Within
// this process `lastStepUsed` remembers the steps we have sent. `node --test` runs each test file
// in its own process, and a re-run may start within the same 30 seconds, so the steps are also
// kept in a small file in the temp directory, updated under a lock.
//
// The server accepts one step either side of its clock (crates/domain/src/auth.rs,
// TotpSecret::verify), so when the current step is used up we can send the next step's code at
// once; only beyond that do we wait for the next 30-second step to begin.
const STEPS_AHEAD_ACCEPTED = 1

const lastStepUsed = new Map()
const stepFile = path.join(os.tmpdir(), 'hearth-browser-tests-totp-steps.json')
const lockDir = `${stepFile}.lock`

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function withStepFileLock(fn) {
  for (;;) {
    try {
      fs.mkdirSync(lockDir)
      break
    } catch (e) {
      if (e.code !== 'EEXIST') throw e
      try {
        if (Date.now() - fs.statSync(lockDir).mtimeMs > 10_000) fs.rmSync(lockDir, { recursive: true, force: true })
      } catch {}
      await sleep(50)
    }
  }
  try {
    return fn()
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true })
  }
}

function readStepFile() {
  try {
    return JSON.parse(fs.readFileSync(stepFile, 'utf8'))
  } catch {
    return {}
  }
}

// Reserves a step no account has used, waits until the server will accept it, and returns it.
async function claimStep(email) {
  const key = `${baseUrl} ${email.toLowerCase()}`
  const step = await withStepFileLock(() => {
    const recorded = readStepFile()
    const last = Math.max(lastStepUsed.get(key) ?? -Infinity, recorded[key] ?? -Infinity)
    const chosen = Math.max(currentStep(), last + 1)
    recorded[key] = chosen
    // Forget steps long past so the file stays small.
    for (const [k, s] of Object.entries(recorded)) if (s < currentStep() - 10) delete recorded[k]
    fs.writeFileSync(stepFile, JSON.stringify(recorded))
    lastStepUsed.set(key, chosen)
    return chosen
  })
  const usableFrom = (step - STEPS_AHEAD_ACCEPTED) * TOTP_STEP_SECONDS * 1000
  if (Date.now() < usableFrom) await sleep(usableFrom - Date.now() + 250)
  return step
}

// ---- Signing in ----

// Signs in through the pages: email and password, then either the MFA code page or, on an
// account's first sign-in, the MFA set-up page. Ends on the home page. Axe-checks the sign-in
// and MFA pages on the way unless { axe: false }.
export async function signIn(page, email, { password = DEMO_PASSWORD, axe = true } = {}) {
  await page.goto('/sign-in')
  assert.equal(pathOf(page), '/sign-in', `expected the sign-in page, got ${page.url()} (already signed in?)`)
  if (axe) await expectNoAxeViolations(page, 'sign-in page')
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(password)
  await pressButton(page, 'Sign in')

  for (let attempt = 1; ; attempt++) {
    const where = pathOf(page)
    let secret
    let button
    if (where === '/mfa/enrol') {
      secret = (await page.locator('#totp-secret').innerText()).replace(/[\s-]/g, '')
      button = 'Confirm'
    } else if (where === '/mfa') {
      secret = DEMO_TOTP_SECRET
      button = 'Continue'
    } else {
      const problem = await page.locator('.govuk-error-summary').innerText().catch(() => '')
      throw new Error(`Signing in as ${email}: after the password expected /mfa or /mfa/enrol, got ${page.url()} ${problem}`)
    }
    if (axe && attempt === 1) await expectNoAxeViolations(page, `MFA page ${where}`)

    const step = await claimStep(email)
    await page.locator('#code').fill(totpAtStep(secret, step))
    await pressButton(page, button)
    if (pathOf(page) === '/') return

    // Refused: most likely another run used this step. The step is recorded, so try once more.
    const problem = await page.locator('.govuk-error-summary').innerText().catch(() => '(no error summary)')
    if (attempt >= 2 || !pathOf(page).startsWith('/mfa')) {
      throw new Error(`Signing in as ${email}: the MFA code was refused, now at ${page.url()}: ${problem}`)
    }
    console.error(`Signing in as ${email}: code for step ${step} refused (${problem.trim()}); trying the next step`)
  }
}

export async function signOut(page) {
  return clickAndWait(page, page.locator('header').getByRole('button', { name: 'Sign out', exact: true }))
}
