// Induction in Chromium: the demo practitioner mentors the demo team's newest starter, opens
// the plan from My Work on a phone and ticks a step off; the team manager finds the plan from
// the starter's record and sees who ticked it. axe-core checks every page.

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

test('a mentor buddy ticks a step of their mentee\'s induction on a phone; the manager sees it', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.practitioner, { axe: false })
  const mentee = page.locator('#mentees a').first()
  const name = (await mentee.innerText()).replace(/'s induction$/, '')
  await clickAndWait(page, mentee)
  assert.match(await page.locator('#mentor').innerText(), /Sam Okafor/)
  await expectNoAxeViolations(page, 'a mentee\'s induction')
  await expectNoHorizontalScroll(page, 'an induction plan on a phone', 360)
  const before = await page.locator('#progress').innerText()
  const todo = page.getByRole('button', { name: /^Mark done/ }).first()
  await clickAndWait(page, todo)
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Induction plan updated/)
  assert.notEqual(await page.locator('#progress').innerText(), before)
  await screenshot(page, 'induction-mentor-phone')

  const manager = (await newPage(browser)).page
  await signIn(manager, ACCOUNTS.teamManager, { axe: false })
  await manager.goto('/my-people')
  await clickAndWait(manager, manager.locator('#team-grid tbody tr', { hasText: name }).locator('th a'))
  // From their workload to their record, and on to the induction.
  const id = new URL(manager.url()).pathname.split('/')[2]
  assert.equal((await manager.goto(`/staff/${id}`)).status(), 200)
  await clickAndWait(manager, manager.locator('#person-records').getByRole('link', { name: 'Induction' }))
  assert.match(await manager.locator('main').innerText(), /by Sam Okafor/)
  await expectNoAxeViolations(manager, 'an induction, as the manager')
})

test('an administrator changes the national induction template; a bad week is named and a save makes a new version', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.admin, { axe: false })
  await page.goto('/training')
  await clickAndWait(page, page.locator('#induction-template-link'))
  assert.match(await page.locator('main').innerText(), /The template Hearth ships with/)
  await expectNoAxeViolations(page, 'the induction template')
  await expectNoHorizontalScroll(page, 'the induction template on a phone', 360)
  await page.fill('#week-13', '40')
  await page.selectOption('#kind-13', 'court_visit')
  await page.fill('#title-13', 'Sit in on a case management hearing in public law')
  await clickAndWait(page, page.getByRole('button', { name: 'Save a new version' }))
  const summary = await page.locator('.govuk-error-summary').innerText()
  assert.match(summary, /The week of step 13 must be a whole number from 1 to 26/)
  assert.match(summary, /Enter what changed/)
  await expectNoAxeViolations(page, 'the induction template, with errors')
  await page.fill('#week-13', '5')
  await page.fill('#changes', 'A public law hearing in week 5')
  await clickAndWait(page, page.getByRole('button', { name: 'Save a new version' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Induction template saved/)
  assert.match(await page.locator('main').innerText(), /Version 1, saved .*A public law hearing in week 5/)
  // Kept in week order: the new week-5 step sits after the week-5 step already there.
  assert.equal(await page.inputValue('#title-12'), 'Sit in on a case management hearing in public law')
  assert.equal(await page.inputValue('#week-13'), '6')
  await screenshot(page, 'induction-template-phone')
})
