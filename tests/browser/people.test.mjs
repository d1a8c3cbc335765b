// Supervision in Chromium, as the "done" describes it: the team manager sees an overdue
// supervision on My People, opens it, the agenda lists the cases with their reasons, discusses
// two, saves; both cases' chronologies show the management oversight; the worker acknowledges it
// on their phone (360 px). axe-core checks every page.

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

test('a manager records an overdue supervision from its agenda; the cases hold the decisions; the worker acknowledges on a phone', { timeout: 180_000 }, async () => {
  const { page } = await newPage(browser)
  await signIn(page, ACCOUNTS.teamManager, { axe: false })
  assert.equal((await page.goto('/my-people')).status(), 200)
  // The demo practitioner's last supervision was over a quarter ago.
  const row = page.locator('#team-grid tbody tr', { hasText: 'Sam Okafor' })
  const cell = row.locator('td[data-label="Supervision"]')
  assert.match(await cell.innerText(), /Overdue by \d+ days?/)
  await clickAndWait(page, cell.getByRole('link'))
  assert.match(await page.locator('#next-due').innerText(), /Overdue/)
  await expectNoAxeViolations(page, 'supervision records')

  await clickAndWait(page, page.getByRole('button', { name: 'Record a supervision' }))
  await expectNoAxeViolations(page, 'record a supervision')
  const raised = page.locator('fieldset', { hasText: 'Cases to discuss' }).locator('input[name=case]')
  assert.ok((await raised.count()) >= 2, 'the agenda raises cases to discuss')
  const reasons = await page.locator('fieldset', { hasText: 'Cases to discuss' }).locator('.govuk-checkboxes__hint').first().innerText()
  assert.ok(reasons.trim().length > 0, 'each raised case says why')

  // A case chosen with nothing written for it: the summary names its case and nothing is saved.
  await raised.nth(0).check()
  await clickAndWait(page, page.getByRole('button', { name: 'Save the supervision' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter your reflection on the case \(HRT-/)
  await expectNoAxeViolations(page, 'record a supervision, with errors')

  const chosen = []
  for (const i of [0, 1]) {
    const box = page.locator('fieldset', { hasText: 'Cases to discuss' }).locator('input[name=case]').nth(i)
    await box.check()
    const id = await box.getAttribute('value')
    chosen.push(id)
    await page.fill(`#reflection-${id}`, `Progress on case ${i + 1} since the last hearing.`)
    await page.fill(`#decision-${id}`, `Decision ${i + 1}: continue the plan and review after the next visit.`)
  }
  await page.fill('#wellbeing', 'A heavy month in court.')
  await clickAndWait(page, page.getByRole('button', { name: 'Save the supervision' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Supervision recorded/)
  await expectNoAxeViolations(page, 'the supervision record')
  await screenshot(page, 'supervision-record')
  const record = new URL(page.url()).pathname

  // Within the day, the manager changes a decision: the case's entry changes with it.
  await clickAndWait(page, page.getByRole('link', { name: 'Change this record' }))
  await expectNoAxeViolations(page, 'change a supervision record')
  await page.fill(`#decision-${chosen[0]}`, '')
  await clickAndWait(page, page.getByRole('button', { name: 'Save the changes' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the decision \(HRT-/)
  await page.fill(`#decision-${chosen[0]}`, 'Decision 1: continue the plan, with a review in January.')
  await clickAndWait(page, page.getByRole('button', { name: 'Save the changes' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Supervision changed/)

  for (const [i, id] of chosen.entries()) {
    assert.equal((await page.goto(`/cases/${id}`)).status(), 200)
    const main = await page.locator('main').innerText()
    assert.ok(main.includes(`Management oversight in supervision: Decision ${i + 1}`), 'the decision is in the case chronology')
    if (i === 0) assert.ok(main.includes('with a review in January'), 'the changed decision is in the case chronology')
    assert.ok(!main.includes('A heavy month in court'), 'wellbeing never reaches a case')
  }

  const phone = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(phone.page, ACCOUNTS.practitioner, { axe: false })
  assert.match(await phone.page.locator('#my-supervision').innerText(), /Not due yet/)
  assert.equal((await phone.page.goto(record)).status(), 200)
  await expectNoHorizontalScroll(phone.page, 'a supervision record on a phone', 360)
  await phone.page.fill('#comment', 'Agreed, thank you.')
  await clickAndWait(phone.page, phone.page.getByRole('button', { name: 'Acknowledge' }))
  assert.match(await phone.page.locator('.govuk-notification-banner').first().innerText(), /Supervision acknowledged/)
  assert.doesNotMatch(await phone.page.locator('#acknowledged').innerText(), /Not yet/)
  await expectNoAxeViolations(phone.page, 'an acknowledged supervision')
  await screenshot(phone.page, 'supervision-acknowledged-phone')

  // Acknowledged: the record stays as it is, and the manager adds an addendum the worker is told of.
  await page.goto(record)
  assert.equal(await page.getByRole('link', { name: 'Change this record' }).count(), 0)
  await page.fill('#addendum', 'Since we met, the school has confirmed attendance is better.')
  await clickAndWait(page, page.getByRole('button', { name: 'Add the addendum' }))
  assert.match(await page.locator('#addenda').locator('xpath=..').innerText(), /the school has confirmed attendance is better/)
  await expectNoAxeViolations(page, 'a supervision with an addendum')
  await phone.page.goto('/')
  assert.match(await phone.page.locator('main').innerText(), /An addendum was added to your supervision/)
})

test('a team manager records a reflective practice session; the team reads it and each person sees it with their supervision', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser)
  await signIn(page, ACCOUNTS.teamManager, { axe: false })
  await page.goto('/my-people')
  await clickAndWait(page, page.getByRole('link', { name: 'Group sessions' }))
  await expectNoAxeViolations(page, 'group sessions')
  assert.ok((await page.locator('#group-sessions tbody tr').count()) > 0, 'the demo has sessions')
  await clickAndWait(page, page.getByRole('button', { name: 'Record a group session' }))
  await page.getByLabel('Reflective practice').check()
  await page.fill('#theme', 'Hearing the child who says "I don\'t mind"')
  await page.getByLabel('Sam Okafor').check()
  await clickAndWait(page, page.getByRole('button', { name: 'Save the session' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose at least 2 people who came/)
  await expectNoAxeViolations(page, 'record a group session, with errors')
  const others = page.locator('input[name=attendees]:not(:checked)')
  await others.first().check()
  await page.fill('#notes', 'Ask each child alone first; notice who answers for whom.')
  await clickAndWait(page, page.getByRole('button', { name: 'Save the session' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Group session recorded/)
  assert.match(await page.locator('#attendees').innerText(), /Sam Okafor/)
  await expectNoAxeViolations(page, 'a group session')

  const phone = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(phone.page, ACCOUNTS.practitioner, { axe: false })
  await phone.page.goto('/my/supervision')
  await clickAndWait(phone.page, phone.page.locator('#group-sessions a', { hasText: /.+/ }).first())
  assert.match(await phone.page.locator('#theme').innerText(), /I don't mind/)
  await expectNoHorizontalScroll(phone.page, 'a group session on a phone', 360)
  await screenshot(phone.page, 'group-session-phone')
})
