// Hot desks in Chromium, as the "done" describes them: on a phone, the practitioner books
// a desk for Thursday in two taps, opens a desk's own page (what its printed code opens) and
// checks in; the national administrator sees the floor plan with its codes to print; approved
// leave on the Thursday cancels the booking, and the practitioner is told. The leave is cancelled
// at the end, so the demo practitioner is free again for the other tests. This suite's server
// opens its offices every day and check-in all day (scripts/browser-suite), so it runs at any
// hour. axe-core checks every page.

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

test('a practitioner books Thursday on a phone, checks in at a desk, and approved leave cancels the booking', { timeout: 240_000 }, async () => {
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.practitioner, { axe: false })

  // Two taps: Thursday, then the first free desk.
  assert.equal(await page.locator('nav a[href="/desks"]').count(), 1, 'Desks is in the navigation')
  await page.goto('/desks')
  await expectNoAxeViolations(page, 'book a desk')
  await expectNoHorizontalScroll(page, 'book a desk on a phone', 360)
  const thursday = page.locator('#days a', { hasText: /^Thu / }).first()
  const thursdayIso = new URL(await thursday.getAttribute('href'), 'http://x').searchParams.get('day')
  await clickAndWait(page, thursday)
  assert.match(await page.locator('#plan').innerText(), /^Thursday /)
  const freeBefore = Number((await page.locator('#free-count').innerText()).match(/^(\d+) of/)[1])
  assert.ok(freeBefore > 0, 'a desk is free on Thursday')
  await clickAndWait(page, page.getByRole('button', { name: 'Book the first free desk' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Desk booked/)
  assert.match(await page.locator('#your-desk').innerText(), /You have desk D\d+ on this day/)
  assert.match(await page.locator('#desks').innerText(), /You/)
  await expectNoAxeViolations(page, 'a desk booked')
  await expectNoHorizontalScroll(page, 'a desk booked, on a phone', 360)
  await screenshot(page, 'desks-booked-phone')

  // At the office today: a free desk's own page, as its code opens it, takes the desk and checks in.
  const today = new Date().toISOString().slice(0, 10)
  const office = new URL(page.url()).searchParams.get('office')
  await page.goto(`/desks?office=${office}&day=${today}`)
  const free = page.locator('#desks tbody tr', { hasText: 'Free' }).first().locator('th a')
  await clickAndWait(page, free)
  await expectNoAxeViolations(page, 'a desk\'s own page')
  await clickAndWait(page, page.getByRole('button', { name: 'Take this desk and check in' }))
  assert.match(await page.locator('#checked-in').innerText(), /You are checked in/)
  await expectNoHorizontalScroll(page, 'checked in, on a phone', 360)
  await screenshot(page, 'desks-checked-in-phone')
  await page.goto('/')
  assert.match(await page.locator('#office-today').innerText(), /You are recorded in the office today/, 'checking in records the office day')

  // The administrator's floor plan for that office, with each desk's code to print.
  const admin = (await newPage(browser)).page
  await signIn(admin, ACCOUNTS.admin, { axe: false })
  await admin.goto(`/offices/${office}/floor-plan`)
  assert.ok(await admin.locator('svg[aria-label^="Code for desk D1"]').count(), 'a code to print for desk D1')
  await expectNoAxeViolations(admin, 'a floor plan')
  await screenshot(admin, 'desks-floor-plan')

  // Leave on the Thursday, approved by the manager, cancels the booking and says so.
  await page.goto('/my/leave')
  await clickAndWait(page, page.getByRole('button', { name: 'Ask for leave' }))
  await fillDate(page, 'first_day', thursdayIso)
  await fillDate(page, 'last_day', thursdayIso)
  await clickAndWait(page, page.getByRole('button', { name: 'Continue' }))
  await clickAndWait(page, page.getByRole('button', { name: 'Send the request' }))
  const manager = (await newPage(browser)).page
  await signIn(manager, ACCOUNTS.teamManager, { axe: false })
  const waitingLink = manager.locator('#leave-waiting a', { hasText: 'Sam Okafor' }).first()
  await clickAndWait(manager, waitingLink)
  await manager.getByLabel('Approve').check()
  await clickAndWait(manager, manager.getByRole('button', { name: 'Save the decision' }))
  assert.match(await manager.locator('#status').innerText(), /Approved/)

  await page.goto('/desks/mine')
  assert.match(await page.locator('#past').innerText(), /Cancelled: on leave that day/)
  await expectNoAxeViolations(page, 'your desk bookings')
  await expectNoHorizontalScroll(page, 'your desk bookings on a phone', 360)
  await screenshot(page, 'desks-mine-phone')
  await page.goto('/')
  assert.match(await page.locator('body').innerText(), /Your desk booking on .* was cancelled: you are on leave/)

  // Give the day back, so the practitioner is free for the other tests.
  await page.goto('/my/leave')
  const longDate = new Date(`${thursdayIso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  await clickAndWait(page, page.locator('#requests a', { hasText: longDate }).first())
  await clickAndWait(page, page.getByRole('button', { name: 'Cancel this leave' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Leave cancelled/)
})

test('the figures show desks by office and weekday, at 320 px too', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser)
  await signIn(page, ACCOUNTS.nationalLeader, { axe: false })
  assert.equal((await page.goto('/desks/figures')).status(), 200)
  assert.match(await page.locator('#in-office').innerText(), /\d+% of working days/)
  assert.equal(await page.locator('#weekdays tbody tr').count(), 5)
  await expectNoAxeViolations(page, 'desk figures')
  await page.setViewportSize({ width: 320, height: 800 })
  await expectNoHorizontalScroll(page, 'desk figures at 320px', 320)
  await screenshot(page, 'desks-figures-320')
})
