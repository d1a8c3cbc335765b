// Sickness in Chromium, as the "done" describes it: a team manager reports one of their
// people off sick (bad input first), records their return, finds the return-to-work interview on
// their home page and holds it; the team's sickness figures count the day lost and its cost.
// axe-core checks every page, on a phone where the manager would be.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ACCOUNTS, assertServerUp, clickAndWait, expectNoAxeViolations, expectNoHorizontalScroll, fillDate, launch, newPage, screenshot, signIn } from './lib.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

const iso = (d) => d.toISOString().slice(0, 10)
const addDays = (d, n) => new Date(d.getTime() + n * 86_400_000)
const money = (text) => Number(text.replace(/[£,]/g, ''))

test('a manager reports sickness, records the return, holds the interview, and the figures count its cost', { timeout: 240_000 }, async () => {
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.teamManager, { axe: false })
  const today = new Date(`${iso(new Date())}T00:00:00Z`)
  // The last weekday before today: the one day off sick.
  let day = addDays(today, -1)
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day = addDays(day, -1)

  assert.equal((await page.goto('/insight/sickness')).status(), 200)
  await expectNoAxeViolations(page, 'sickness figures')
  await expectNoHorizontalScroll(page, 'sickness figures on a phone', 360)
  const daysBefore = Number(await page.locator('#days-lost').innerText())
  const costBefore = money(await page.locator('#cost').innerText())

  // Someone they manage who is not off sick now (and not the demo practitioner, whom other tests use).
  await page.goto('/my-people')
  const people = await page.locator('#team-grid tbody th a').filter({ hasNotText: 'Sam Okafor' }).evaluateAll((links) => links.map((a) => a.getAttribute('href')))
  let person
  for (const href of people) {
    const id = href.split('/')[2]
    const res = await page.goto(`/staff/${id}/sickness`)
    if (res.status() === 200 && (await page.getByRole('button', { name: 'Report sickness' }).count()) > 0) {
      person = id
      break
    }
  }
  assert.ok(person, 'someone the demo team manager manages who is not off sick now')
  await expectNoAxeViolations(page, 'a person\'s sickness record')
  await clickAndWait(page, page.getByRole('button', { name: 'Report sickness' }))
  await fillDate(page, 'first_day', iso(day))
  await fillDate(page, 'expected_return', iso(day))
  await clickAndWait(page, page.getByRole('button', { name: 'Report sickness' }))
  const errors = await page.locator('.govuk-error-summary').innerText()
  assert.match(errors, /The day you expect to be back must be after the first day off/)
  assert.match(errors, /Choose the reason from the list/)
  await expectNoAxeViolations(page, 'report sickness with errors')
  await fillDate(page, 'expected_return', iso(today))
  await page.getByLabel('Reason').selectOption('cold_flu')
  await clickAndWait(page, page.getByRole('button', { name: 'Report sickness' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Sickness reported/)
  assert.match(await page.locator('#off-now').innerText(), /^Since /)

  // Back today: the interview is due.
  await fillDate(page, 'returned_on', iso(today))
  await clickAndWait(page, page.getByRole('button', { name: 'Record the return' }))
  assert.match(await page.locator('#off-now').innerText(), /^No$/)
  await page.goto('/')
  const interview = page.locator('#interviews a').first()
  assert.ok(await interview.count(), 'the interview is on the manager\'s home page')
  await clickAndWait(page, page.locator(`#interviews a[href*="/sickness/"]`).last())
  await expectNoAxeViolations(page, 'return-to-work interview')
  await expectNoHorizontalScroll(page, 'return-to-work interview on a phone', 360)
  await clickAndWait(page, page.getByRole('button', { name: 'Save the interview' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter what you discussed/)
  await page.getByLabel('What you discussed').fill('Feeling better; no pattern to worry about.')
  await page.getByLabel('Yes').check()
  await clickAndWait(page, page.getByRole('button', { name: 'Save the interview' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Return-to-work interview recorded/)
  await screenshot(page, 'sickness-record-phone')

  // The team's figures count the day and its cost.
  await page.goto('/insight/sickness')
  assert.equal(Number(await page.locator('#days-lost').innerText()), daysBefore + 1)
  assert.ok(money(await page.locator('#cost').innerText()) > costBefore, 'the cost went up')
  await screenshot(page, 'sickness-figures-phone')
})
