// Leave in Chromium, as the "done" describes it: on a phone, the practitioner asks for two
// days (a form, then a check page with the balance after) and sees what is left change; the team
// manager approves from their home page; the practitioner is then left out of the suggestions for
// a case whose court date needs those days; the team calendar shows them away. The leave is
// cancelled at the end, so the demo practitioner is free again for the other tests. axe-core
// checks every page.

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
const weekend = (d) => d.getUTCDay() === 0 || d.getUTCDay() === 6

/// The two weekdays just before `deadline`, both after today.
function twoDaysBefore(deadline) {
  let last = addDays(deadline, -1)
  while (weekend(last)) last = addDays(last, -1)
  let first = addDays(last, -1)
  while (weekend(first)) first = addDays(first, -1)
  return [first, last]
}

/// "14 hours 48 minutes (2 days)" as minutes.
function minutesOf(text) {
  const m = text.match(/(minus )?(?:(\d+) hours?)?\s*(?:(\d+) minutes)?/)
  const total = Number(m[2] || 0) * 60 + Number(m[3] || 0)
  return m[1] ? -total : total
}

test('a practitioner asks for two days on a phone, the manager approves, and they drop out of the suggestions for those days', { timeout: 240_000 }, async () => {
  const manager = (await newPage(browser)).page
  await signIn(manager, ACCOUNTS.teamManager, { axe: false })
  // A waiting case the practitioner is suggested for, whose next court date is a week or more away.
  const today = new Date(`${iso(new Date())}T00:00:00Z`)
  const waiting = await (await manager.request.get('/api/v1/cases?unallocated=true&status=open&per_page=100')).json()
  let chosen
  for (const c of waiting.items) {
    const s = await (await manager.request.get(`/api/v1/cases/${c.id}/allocation-suggestions`)).json()
    if (!s.next_deadline || !s.ranked?.some((r) => r.name === 'Sam Okafor')) continue
    const deadline = new Date(`${s.next_deadline}T00:00:00Z`)
    const [first] = twoDaysBefore(deadline)
    if (first > addDays(today, 2) && deadline < addDays(today, 90)) {
      chosen = { id: c.id, deadline }
      break
    }
  }
  assert.ok(chosen, 'a waiting case the demo practitioner is suggested for, with a court date a week or more away')
  const [first, last] = twoDaysBefore(chosen.deadline)

  // The practitioner, on a phone.
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.practitioner, { axe: false })
  assert.equal((await page.goto('/my/leave')).status(), 200)
  await expectNoAxeViolations(page, 'your leave')
  await expectNoHorizontalScroll(page, 'your leave on a phone', 360)
  const balanceBefore = minutesOf(await page.locator('#balance').innerText())
  const availableBefore = minutesOf(await page.locator('#available').innerText())
  assert.ok(availableBefore >= 888, 'two days are left to ask for')

  await clickAndWait(page, page.getByRole('button', { name: 'Ask for leave' }))
  // Bad input: a last day before the first.
  await fillDate(page, 'first_day', iso(last))
  await fillDate(page, 'last_day', iso(first))
  await clickAndWait(page, page.getByRole('button', { name: 'Continue' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /The last day must be the same as or after the first day/)
  await expectNoAxeViolations(page, 'ask for leave with an error')
  await fillDate(page, 'first_day', iso(first))
  await fillDate(page, 'last_day', iso(last))
  await page.getByLabel('Note for your manager (optional)').fill('Family wedding')
  await clickAndWait(page, page.getByRole('button', { name: 'Continue' }))
  assert.match(await page.locator('#takes').innerText(), /14 hours 48 minutes \(2 days\)/)
  assert.equal(minutesOf(await page.locator('#after').innerText()), availableBefore - 888)
  await expectNoAxeViolations(page, 'check your leave request')
  await expectNoHorizontalScroll(page, 'check your leave request on a phone', 360)
  await screenshot(page, 'leave-check-phone')
  await clickAndWait(page, page.getByRole('button', { name: 'Send the request' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Leave asked for/)
  assert.equal(minutesOf(await page.locator('#available').innerText()), availableBefore - 888, 'what is left to ask for changes at once')
  assert.match(await page.locator('#requests').innerText(), /Waiting for approval/)

  // The manager decides it from their home page.
  await manager.goto('/')
  const waitingLink = manager.locator('#leave-waiting a', { hasText: 'Sam Okafor' }).first()
  await clickAndWait(manager, waitingLink)
  assert.match(await manager.locator('#request').innerText(), /Family wedding/)
  await expectNoAxeViolations(manager, 'a leave request to decide')
  await clickAndWait(manager, manager.getByRole('button', { name: 'Save the decision' }))
  assert.match(await manager.locator('.govuk-error-summary').innerText(), /Choose approve or refuse/)
  await manager.getByLabel('Approve').check()
  await clickAndWait(manager, manager.getByRole('button', { name: 'Save the decision' }))
  assert.match(await manager.locator('#status').innerText(), /Approved/)

  // Allocation now leaves him out of that case: away in the week before its court date.
  const s = await (await manager.request.get(`/api/v1/cases/${chosen.id}/allocation-suggestions`)).json()
  assert.ok(!s.ranked.some((r) => r.name === 'Sam Okafor'), 'no longer ranked')
  assert.ok(s.ineligible.some((r) => r.name === 'Sam Okafor' && r.reason === 'away_before_deadline'), JSON.stringify(s.ineligible))
  await manager.goto(`/cases/${chosen.id}/allocate`)
  assert.ok(!(await manager.locator('#suggestions-table').getByText('Sam Okafor').count()), 'not among the suggestions')
  await screenshot(manager, 'leave-allocation-left-out')

  // The team calendar shows him away, at 320 px too.
  await manager.goto(`/my/team-leave`)
  await manager.goto(`${manager.url().split('?')[0]}?month=${iso(first).slice(0, 7)}`)
  assert.match(await manager.locator('#team-leave').innerText(), /Sam Okafor \(Leave\)/)
  await expectNoAxeViolations(manager, 'team leave calendar')
  await manager.setViewportSize({ width: 320, height: 800 })
  await expectNoHorizontalScroll(manager, 'team leave calendar at 320px')

  // His balance has the leave taken; then he cancels it (it has not started) and gets it back.
  await page.goto('/my/leave')
  assert.equal(minutesOf(await page.locator('#balance').innerText()), balanceBefore - 888)
  assert.match(await page.locator('#ledger').innerText(), /Leave taken/)
  await screenshot(page, 'leave-approved-phone')
  const longDate = first.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  await clickAndWait(page, page.locator('#requests a', { hasText: longDate }).first())
  await expectNoAxeViolations(page, 'your approved leave')
  await clickAndWait(page, page.getByRole('button', { name: 'Cancel this leave' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Leave cancelled/)
  assert.equal(minutesOf(await page.locator('#balance').innerText()), balanceBefore)
})
