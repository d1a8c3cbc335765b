// The wellbeing pulse in Chromium: the practitioner is asked on My Work and answers on a phone
// (a missing answer is named first); a national leader reads the results, where small groups
// are not shown, and the key figures carry "feel cared for". axe-core checks every page.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ACCOUNTS, assertServerUp, clickAndWait, expectNoAxeViolations, expectNoHorizontalScroll, launch, newPage, screenshot, signIn } from './lib.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

test('a practitioner answers the open pulse on a phone, once', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.practitioner, { axe: false })
  await clickAndWait(page, page.locator('#pulse-open').getByRole('link', { name: 'Answer the pulse survey' }))
  await expectNoAxeViolations(page, 'the pulse survey')
  await expectNoHorizontalScroll(page, 'the pulse survey on a phone', 360)
  const questions = ['I feel cared for by the service', 'My workload is manageable', 'I feel supported by my manager', 'I can look after my wellbeing at work']
  for (const q of questions) await page.getByRole('group', { name: q }).getByLabel('Agree', { exact: true }).check()
  await clickAndWait(page, page.getByRole('button', { name: 'Send my answers' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose how far you agree: i am proud of the difference we make for children/i)
  await expectNoAxeViolations(page, 'the pulse survey, with an answer missing')
  await page.getByRole('group', { name: 'I am proud of the difference we make for children' }).getByLabel('Strongly agree').check()
  await clickAndWait(page, page.getByRole('button', { name: 'Send my answers' }))
  assert.match(await page.locator('#pulse-taken').innerText(), /Thank you/)
  await screenshot(page, 'pulse-answered-phone')
  await page.goto('/')
  assert.equal(await page.locator('#pulse-open').count(), 0, 'not asked again')
})

test('a national leader reads the pulse results and the key figure', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser)
  await signIn(page, ACCOUNTS.nationalLeader, { axe: false })
  assert.equal((await page.goto('/pulse/results')).status(), 200)
  const trend = await page.locator('#pulse-trend').innerText()
  assert.match(trend, /Spring pulse[\s\S]*\d+%/)
  assert.match(await page.locator('#pulse-areas').innerText(), /The service\s+\d+/)
  await expectNoAxeViolations(page, 'pulse results')
  await screenshot(page, 'pulse-results')
  assert.equal((await page.goto('/insight')).status(), 200)
  assert.match(await page.locator('#people-figures').innerText(), /Feel cared for by the service[^\n]*\n?\s*\d+% \(/)
  await expectNoAxeViolations(page, 'key figures with people')
})
