// A practitioner is refused the administrators' pages with a proper 403 page.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ACCOUNTS, assertServerUp, expectNoAxeViolations, launch, newPage, signIn } from './lib.mjs'

let browser
let page

before(async () => {
  await assertServerUp()
  browser = await launch()
  // Its own browser and context: nothing shared with signin.test.mjs.
  ;({ page } = await newPage(browser))
  await signIn(page, ACCOUNTS.practitioner)
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

test('the audit log is refused with a 403 page', async () => {
  const response = await page.goto('/admin/audit')
  assert.equal(response.status(), 403)
  assert.equal((await page.locator('h1').innerText()).trim(), 'You do not have permission to view this page')
  await expectNoAxeViolations(page, '403 page')
})

test('adding a member of staff is refused', async () => {
  const response = await page.goto('/admin/staff/new')
  assert.equal(response.status(), 403)
  assert.equal((await page.locator('h1').innerText()).trim(), 'You do not have permission to view this page')
})
