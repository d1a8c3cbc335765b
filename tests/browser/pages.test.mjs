// Every main page, seen by the system administrator, checked with axe; adding a member of staff;
// and the directory and a record on a 320px screen.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  ACCOUNTS,
  fillDate,
  assertServerUp,
  clickAndWait,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  launch,
  newPage,
  pathOf,
  pressButton,
  screenshot,
  signIn,
} from './lib.mjs'

let browser
let page

before(async () => {
  await assertServerUp()
  browser = await launch()
  ;({ page } = await newPage(browser))
  await signIn(page, ACCOUNTS.admin)
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

// Visits a page, expects a 200 and an h1, and axe-checks it.
async function visit(url, label) {
  const response = await page.goto(url)
  assert.equal(response.status(), 200, `${label}: GET ${url}`)
  await page.locator('h1').first().waitFor()
  await expectNoAxeViolations(page, label)
}

// Follows the first link matching `selector`, expects a 200 and an h1, and axe-checks the page.
async function follow(selector, label) {
  const link = page.locator(selector).first()
  assert.ok(await link.count(), `${label}: no link matching ${selector} on ${page.url()}`)
  const response = await clickAndWait(page, link)
  assert.equal(response.status(), 200, `${label}: ${page.url()}`)
  await page.locator('h1').first().waitFor()
  await expectNoAxeViolations(page, label)
  return page.url()
}

let recordUrl

test('home page', async () => {
  await visit('/', 'home page (admin)')
  await screenshot(page, 'home')
})

test('staff directory, a search and a record', async () => {
  await visit('/staff', 'staff directory')
  assert.ok(await page.locator('#q').count(), 'the directory has a search field #q')
  assert.ok(await page.locator('main table').count(), 'the directory shows a table')
  await screenshot(page, 'directory')

  await visit('/staff?q=a', 'staff directory search')
  recordUrl = await follow('main table a[href^="/staff/"]', 'staff record')
  assert.match(pathOf(page), /^\/staff\/[^/]+$/)
  await screenshot(page, 'record')
})

test('everyone can open a colleague\'s directory card; the directory never links to a refusal', async () => {
  const { context, page: worker } = await newPage(browser)
  try {
    await signIn(worker, ACCOUNTS.practitioner, { axe: false })
    await worker.goto('/staff?q=a')
    const hrefs = await worker.locator('main table a[href^="/staff/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
    assert.ok(hrefs.length > 1, 'the directory lists colleagues')
    for (const href of hrefs.slice(0, 5)) {
      const response = await worker.goto(href)
      assert.equal(response.status(), 200, `${href} opens for a practitioner`)
    }
    await worker.goto(hrefs[0])
    assert.match(pathOf(worker), /^\/staff\/[^/]+\/card$/)
    for (const key of ['Roles', 'Team', 'Office', 'Work email']) {
      assert.ok(await worker.locator('.govuk-summary-list__key', { hasText: key }).count(), `the card shows ${key}`)
    }
    assert.equal(await worker.getByText('FTE', { exact: true }).count(), 0, 'nothing from the full record')
    await expectNoAxeViolations(worker, 'directory card')
    await screenshot(worker, 'directory-card')
  } finally {
    await context.close()
  }
})

test('organisation: structure, a service area, a team, offices', async () => {
  await visit('/org', 'organisation')
  await follow('main a[href^="/org/areas/"]', 'service area')
  await follow('main a[href^="/org/teams/"]', 'team')
  await visit('/org/offices', 'offices')
})

test('admin and account pages', async () => {
  await visit('/admin/staff/new', 'add a member of staff')
  await visit('/admin/audit', 'audit log')
  await visit('/account', 'your account')
})

test('a missing page is a 404 with a proper page', async () => {
  const response = await page.goto('/no-such-page')
  assert.equal(response.status(), 404)
  assert.equal((await page.locator('h1').innerText()).trim(), 'Page not found')
  await expectNoAxeViolations(page, '404 page')
})

test('adding a member of staff: errors, then success', async () => {
  await page.goto('/admin/staff/new')
  // The form's submit button, whatever its wording.
  const save = page.locator('main form button:not([type="button"]):not([type="reset"]), main form input[type="submit"]').first()

  await clickAndWait(page, save)
  const summary = page.locator('.govuk-error-summary')
  await summary.waitFor()
  assert.ok(await summary.locator('a[href^="#"]').count(), 'the error summary links to the fields')
  await expectNoAxeViolations(page, 'add a member of staff, with errors')

  const stamp = Date.now()
  const name = `Browser Test ${stamp}`
  await page.goto('/admin/staff/new')
  await page.locator('#name').fill(name)
  await page.locator('#email').fill(`browser.test.${stamp}@hearth.example`)
  await page.getByLabel('Practitioner', { exact: true }).check()
  const team = await page.locator('#team_id option:not([value=""])').first().getAttribute('value')
  assert.ok(team, 'the team list has at least one team')
  await page.locator('#team_id').selectOption(team)
  await page.locator('#fte').fill('0.8')
  await page.getByLabel('Employed', { exact: true }).check()
  await fillDate(page, 'start_date', '2025-09-01')

  const response = await clickAndWait(page, save)
  assert.equal(response.status(), 200, `after saving: ${page.url()}`)
  assert.equal((await page.locator('h1').innerText()).trim(), `${name} has been added`)
  const link = await page.inputValue('#invitation-link')
  assert.match(link, /\/invitation\?token=[A-Za-z0-9_-]{20,}$/, 'a one-time link for their first sign-in, shown once')
  await expectNoAxeViolations(page, 'invitation link')
  await screenshot(page, 'invitation-made')
  await clickAndWait(page, page.getByRole('link', { name: 'Go to their staff record' }))
  assert.match(pathOf(page), /^\/staff\/[^/]+$/, `expected the new person's record, got ${page.url()}`)
  assert.equal((await page.locator('h1').innerText()).trim(), name)
  assert.ok(await page.getByRole('button', { name: 'Make a new link for their first sign-in' }).count(), 'they have not signed in yet')
  await expectNoAxeViolations(page, 'new person’s record')

  // The new member of staff, in a browser of their own: the link lets them choose a password
  // (refused until it is long enough and typed twice alike), then they sign in and set up MFA.
  const { context, page: newcomer } = await newPage(browser)
  try {
    const path = new URL(link).pathname + new URL(link).search
    await newcomer.goto(path)
    assert.equal((await newcomer.locator('h1').innerText()).trim(), 'Choose your password')
    await expectNoAxeViolations(newcomer, 'choose your password')
    await newcomer.fill('#password', 'short')
    await newcomer.fill('#confirm', 'short')
    let res = await pressButton(newcomer, 'Set my password')
    assert.equal(res.status(), 400)
    assert.match(await newcomer.title(), /^Error: /)
    const password = `a kettle on the hob ${stamp}`
    await newcomer.fill('#password', password)
    await newcomer.fill('#confirm', `${password}!`)
    res = await pressButton(newcomer, 'Set my password')
    assert.equal(res.status(), 400)
    assert.match(await newcomer.locator('.govuk-error-summary').innerText(), /do not match/)
    await newcomer.fill('#password', password)
    await newcomer.fill('#confirm', password)
    res = await pressButton(newcomer, 'Set my password')
    assert.equal(res.status(), 200)
    assert.equal(pathOf(newcomer), '/sign-in')
    assert.match(await newcomer.locator('.govuk-notification-banner').innerText(), /Your password is set/)
    await signIn(newcomer, `browser.test.${stamp}@hearth.example`, { password, axe: false })
    assert.equal(pathOf(newcomer), '/')
    // The link worked once.
    res = await newcomer.goto(path)
    assert.equal(res.status(), 410)
  } finally {
    await context.close()
  }
})

test('the directory and a record fit a 320px screen', async () => {
  await page.setViewportSize({ width: 320, height: 640 })
  try {
    await page.goto('/staff')
    await expectNoHorizontalScroll(page, 'staff directory')
    await expectNoAxeViolations(page, 'staff directory at 320px')
    await screenshot(page, 'directory-320')

    assert.ok(recordUrl, 'a record was found by the directory test')
    await page.goto(recordUrl)
    await expectNoHorizontalScroll(page, 'staff record')
    await expectNoAxeViolations(page, 'staff record at 320px')
    await screenshot(page, 'record-320')
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 })
  }
})
