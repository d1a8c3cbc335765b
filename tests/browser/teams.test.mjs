// Who works on a case beyond its worker, in Chromium with axe-core on every page: a team manager
// puts a practitioner on the duty desk; offers a case to another team, whose service manager
// rejects it without a reason (an error), then accepts it from their hub; and two tabs allocating
// the same case, where the second is shown both versions and chooses its own.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ACCOUNTS, assertServerUp, chooseWorker, clickAndWait, expectNoAxeViolations, launch, newPage, pathOf, pressButton, screenshot, signIn } from './lib.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

/** The cases waiting in the hub, as links. */
async function hubCases(page) {
  await page.goto('/cases/hub')
  return page.locator('table a[href^="/cases/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
}

test('a team manager puts a practitioner on the duty desk and takes them off again', { timeout: 120_000 }, async () => {
  const { context, page } = await newPage(browser)
  await signIn(page, ACCOUNTS.teamManager, { axe: false })
  await page.goto('/cases/hub')
  assert.ok(await page.getByRole('heading', { name: /^Duty desk: / }).count())
  // The button's name carries the person's name in visually hidden text after a colon.
  const put = page.getByRole('button', { name: /^Put on duty\W+/ }).first()
  const name = (await put.textContent()).replace(/^Put on duty\W+/, '').trim()
  let res = await clickAndWait(page, put)
  assert.equal(res.status(), 200)
  const takeOff = page.getByRole('button', { name: new RegExp(`^Take off duty\\W+${name}$`) })
  assert.equal(await takeOff.count(), 1, `${name} is on duty`)
  await expectNoAxeViolations(page, 'hub with the duty desk')
  res = await clickAndWait(page, takeOff)
  assert.equal(res.status(), 200)
  assert.equal(await page.getByRole('button', { name: new RegExp(`^Put on duty\\W+${name}$`) }).count(), 1, `${name} is off duty again`)
  await context.close()
})

test('a case offered to another team moves only when their manager accepts it', { timeout: 180_000 }, async () => {
  const manager = await newPage(browser)
  await signIn(manager.page, ACCOUNTS.teamManager, { axe: false })
  const page = manager.page
  const [caseUrl] = await hubCases(page)
  assert.ok(caseUrl, 'the demo hub has a case waiting')
  await page.goto(caseUrl)
  const team = (await page.locator('.govuk-summary-list__row', { hasText: 'Team' }).locator('dd').first().innerText()).trim()
  const area = team.slice(team.indexOf('(') + 1, team.lastIndexOf(')'))
  const reference = (await page.locator('.govuk-caption-l').first().innerText()).trim()

  await pressButton(page, 'Transfer to another team')
  await expectNoAxeViolations(page, 'transfer form')
  let res = await pressButton(page, 'Offer the case')
  assert.equal(res.status(), 400)
  const errors = await page.locator('.govuk-error-summary').innerText()
  assert.match(errors, /Choose the team to offer the case to/)
  assert.match(errors, /Enter the reason for the transfer/)
  await expectNoAxeViolations(page, 'transfer form with errors')
  // Another team in the same service area, so the area's service manager can decide.
  const options = await page.locator('#to_team_id option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })))
  const target = options.find((o) => o.value && o.label.endsWith(`(${area})`))
  assert.ok(target, `another team in ${area}`)
  await page.selectOption('#to_team_id', target.value)
  await page.fill('#reason', 'The family has moved into that team\'s courts')
  res = await pressButton(page, 'Offer the case')
  assert.equal(res.status(), 200)
  assert.equal(pathOf(page), caseUrl)
  assert.ok(await page.getByText(`Offered to ${target.label.slice(0, target.label.lastIndexOf(' ('))}`).count(), 'the case page says where it is offered')
  await expectNoAxeViolations(page, 'case with a transfer offered')

  const receiver = await newPage(browser)
  await signIn(receiver.page, ACCOUNTS.serviceManager, { axe: false })
  const r = receiver.page
  await r.goto('/cases/hub')
  assert.ok(await r.getByRole('heading', { name: 'Offered by other teams' }).count())
  await expectNoAxeViolations(r, 'hub with an offer')
  await clickAndWait(r, r.getByRole('link', { name: new RegExp(`^${reference}\\W+accept or reject$`) }))
  await expectNoAxeViolations(r, 'transfer decision')
  await r.check('input[name="decision"][value="reject"]')
  res = await pressButton(r, 'Save the decision')
  assert.equal(res.status(), 400)
  assert.match(await r.locator('.govuk-error-summary').innerText(), /Enter why your team cannot take the case/)
  await expectNoAxeViolations(r, 'transfer decision with an error')
  await r.check('input[name="decision"][value="accept"]')
  res = await pressButton(r, 'Save the decision')
  assert.equal(res.status(), 200)
  assert.equal(pathOf(r), '/cases/hub')
  assert.equal(await r.locator(`a[href^="/transfers/"]:has-text("${reference}")`).count(), 0, "decided once")
  await r.goto(caseUrl)
  assert.ok(await r.getByText(/^Transferred to /).count(), 'the chronology says so')
  await screenshot(r, 'transfer-accepted')
  await receiver.context.close()
  await manager.context.close()
})

test('two tabs allocating one case: the second sees both versions and keeps its own', { timeout: 120_000 }, async () => {
  const { context, page } = await newPage(browser)
  await signIn(page, ACCOUNTS.teamManager, { axe: false })
  const cases = await hubCases(page)
  const caseUrl = cases[cases.length - 1]
  const second = await context.newPage()
  await page.goto(`${caseUrl}/allocate`)
  await second.goto(`${caseUrl}/allocate`)

  await chooseWorker(page, 0)
  await page.fill('#reason', 'Capacity this month')
  let res = await pressButton(page, 'Allocate')
  assert.equal(res.status(), 200)

  await chooseWorker(second, 1)
  const mine = (await second.locator('#suggestions-table input[name="worker_id"]:checked + label').innerText()).trim()
  await second.fill('#reason', 'Knows the family from before')
  res = await pressButton(second, 'Allocate')
  assert.equal(res.status(), 409)
  assert.equal(await second.locator('h1').innerText(), 'This case changed since you opened it')
  const table = await second.locator('table').innerText()
  assert.ok(table.includes(mine), 'my version is shown')
  assert.ok(table.includes('Different'), 'the difference is marked')
  await expectNoAxeViolations(second, 'conflict page')
  await screenshot(second, 'conflict-both-versions')
  res = await pressButton(second, 'Save my version')
  assert.equal(res.status(), 200)
  assert.equal(pathOf(second), caseUrl)
  assert.ok(await second.getByText(`Allocated to ${mine}`).count(), 'my choice stands, saved over the version I was shown')
  await context.close()
})
