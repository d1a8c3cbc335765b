// Expenses in Chromium, as the "done" describes it: the demo practitioner claims the
// mileage of two of their visits (prefilled from the visits; bad miles named first) and a
// parking receipt photographed on the phone, and submits; their manager approves it from the
// home page; finance downloads the month's payroll CSV, which holds the claim once however
// often it is downloaded. axe-core checks every page, at 360 px.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ACCOUNTS, assertServerUp, clickAndWait, expectNoAxeViolations, expectNoHorizontalScroll, fillDate, launch, newPage, pathOf, signIn } from './lib.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

const iso = (d) => d.toISOString().slice(0, 10)
const money = (text) => Number(text.replace(/[£,]/g, ''))

test('a mileage claim from two visits with a receipt photo is approved and paid once', { timeout: 240_000 }, async () => {
  const worker = await newPage(browser, { viewport: { width: 360, height: 780 } })
  const page = worker.page
  await signIn(page, ACCOUNTS.practitioner, { axe: false })
  await page.goto('/my/expenses')
  await expectNoAxeViolations(page, 'your expenses')
  await clickAndWait(page, page.getByRole('button', { name: /Start a claim|Carry on with your claim/ }))
  assert.match(pathOf(page), /^\/expense-claims\//)
  const claimPath = pathOf(page)
  const claimId = claimPath.split('/')[2]
  await expectNoAxeViolations(page, 'a claim in progress')
  await expectNoHorizontalScroll(page, 'a claim on a phone', 360)

  // Two of their visits, prefilled.
  const visits = page.locator('#visits-form input[name="visits"]')
  assert.ok((await visits.count()) >= 2, 'the demo practitioner has visits to claim')
  await clickAndWait(page, page.getByRole('button', { name: 'Add the chosen journeys' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose at least one visit/)
  await expectNoAxeViolations(page, 'a claim with an error')
  await page.locator('#visits-form input[name="visits"]').nth(0).check()
  await page.locator('#visits-form input[name="visits"]').nth(1).check()
  await clickAndWait(page, page.getByRole('button', { name: 'Add the chosen journeys' }))
  const rows = page.locator('#claim-lines .govuk-summary-card')
  assert.equal(await rows.count(), 2)
  assert.match(await rows.nth(0).innerText(), /for HRT-\d{4}-\d{6}/, 'each journey names its case by reference')

  // Miles for any journey Hearth could not estimate: bad input first.
  while ((await page.getByRole('link', { name: /^Enter miles/ }).count()) > 0) {
    await clickAndWait(page, page.getByRole('link', { name: /^Enter miles/ }).first())
    await expectNoAxeViolations(page, 'a journey')
    await page.getByLabel('Miles', { exact: true }).fill('-4')
    await clickAndWait(page, page.getByRole('button', { name: 'Save the journey' }))
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Miles must be a number/)
    await page.getByLabel('Miles', { exact: true }).fill('12.4')
    await clickAndWait(page, page.getByRole('button', { name: 'Save the journey' }))
    assert.equal(pathOf(page), claimPath)
  }

  // Parking, with a photo of the receipt taken on the phone.
  await clickAndWait(page, page.getByRole('link', { name: /Add parking, fares or another expense/ }))
  await expectNoAxeViolations(page, 'add an expense')
  await page.getByLabel('What was it for?').selectOption('parking')
  await page.getByLabel('What it was').fill('Court car park')
  await page.getByLabel('Amount, in pounds').fill('4.50')
  await page.locator('#receipt').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a receipt') })
  await clickAndWait(page, page.getByRole('button', { name: 'Add to the claim' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /The receipt must be a photo \(JPEG or PNG\) or a PDF/)
  await expectNoAxeViolations(page, 'add an expense with errors')
  const photo = await page.screenshot({ type: 'png' })
  await page.getByLabel('What was it for?').selectOption('parking')
  await fillDate(page, 'spent_on', iso(new Date()))
  await page.getByLabel('What it was').fill('Court car park')
  await page.getByLabel('Amount, in pounds').fill('4.50')
  await page.locator('#photo').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: photo })
  await clickAndWait(page, page.getByRole('button', { name: 'Add to the claim' }))
  assert.equal(pathOf(page), claimPath)
  assert.equal(await rows.count(), 3)
  const receipt = page.locator('#claim-lines a[href$="/receipt"]')
  const got = await page.request.get(await receipt.getAttribute('href'))
  assert.equal(got.headers()['content-type'], 'image/png')
  const total = money(await page.locator('#claim-total').innerText())
  assert.ok(total > 4.5, `the total holds the mileage and the parking: ${total}`)
  await clickAndWait(page, page.getByRole('button', { name: 'Submit the claim' }))
  assert.match(await page.locator('#claim-status').innerText(), /Waiting for approval/)
  await worker.context.close()

  // The manager approves it from their home page.
  const manager = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(manager.page, ACCOUNTS.teamManager, { axe: false })
  const link = manager.page.locator(`#claims-waiting a[href="${claimPath}"]`)
  assert.match(await link.innerText(), /Sam Okafor/)
  await clickAndWait(manager.page, link)
  await expectNoAxeViolations(manager.page, 'a claim to decide')
  await manager.page.getByLabel('Approve').check()
  await clickAndWait(manager.page, manager.page.getByRole('button', { name: 'Save the decision' }))
  await manager.page.goto(claimPath)
  assert.match(await manager.page.locator('#claim-status').innerText(), /Approved/)
  await manager.context.close()

  // Finance downloads the month's payroll: the claim is in it once, and the same again.
  const finance = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(finance.page, ACCOUNTS.finance, { axe: false })
  await finance.page.goto('/payroll/expenses')
  await expectNoAxeViolations(finance.page, 'expenses for payroll')
  await expectNoHorizontalScroll(finance.page, 'payroll on a phone', 360)
  const month = iso(new Date()).slice(0, 7)
  const first = await (await finance.page.request.get(`/payroll/expenses.csv?month=${month}`)).text()
  const again = await (await finance.page.request.get(`/payroll/expenses.csv?month=${month}`)).text()
  assert.equal(first.split('\n').filter((l) => l.includes(claimId)).length, 1, first)
  assert.equal(again, first, 'the same export again')
  const row = first.split('\n').find((l) => l.includes(claimId))
  assert.equal(Number(row.split(',').at(-1)), total)
  await finance.page.goto(claimPath)
  assert.match(await finance.page.locator('#claim-status').innerText(), /Sent to payroll/)
  await finance.context.close()
})
