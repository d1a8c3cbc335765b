// The case record in Chromium: a practitioner's tasks and cases, the case page and chronology,
// writing a note (with a mistake first); a team manager opening a case, adding a child, listing a
// hearing and allocating it; and the case page on a 320px screen. axe-core checks every page.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  ACCOUNTS,
  assertServerUp,
  chooseWorker,
  clickAndWait,
  fillDate,
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

before(async () => {
  await assertServerUp()
  browser = await launch()
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

// The case page's actions are links styled as buttons (role="button"), so they work without
// JavaScript; pressButton finds both them and forms' submit buttons.
test('a practitioner finds their tasks and cases, and writes a note', { timeout: 120_000 }, async () => {
  const { context, page } = await newPage(browser)
  await signIn(page, ACCOUNTS.practitioner)
  await page.goto('/')
  assert.ok(await page.getByRole('heading', { name: 'Your tasks' }).count(), 'the home page lists the worker\'s tasks')
  await expectNoAxeViolations(page, 'home with tasks')

  let res = await page.goto('/cases')
  assert.equal(res.status(), 200)
  await expectNoAxeViolations(page, 'my cases')
  const first = page.locator('table a[href^="/cases/"]').first()
  assert.ok(await first.count(), 'the practitioner has cases allocated in the demo data')
  res = await clickAndWait(page, first)
  assert.equal(res.status(), 200)
  const caseUrl = pathOf(page)
  for (const heading of ['Deadlines', 'Children and adults', 'Safeguarding checks', 'Hearings', 'Tasks', 'Chronology']) {
    assert.ok(await page.getByRole('heading', { name: heading, exact: true }).count(), `case page has ${heading}`)
  }
  await expectNoAxeViolations(page, 'case page')
  await screenshot(page, 'case-page')

  // A note with nothing in it is refused with the error summary; nothing is saved.
  await pressButton(page, 'Add a note')
  await fillDate(page, 'occurred_on', '')
  res = await pressButton(page, 'Save note')
  assert.equal(res.status(), 400)
  const summary = page.locator('.govuk-error-summary')
  assert.ok(await summary.count(), 'an error summary is shown')
  const messages = await summary.innerText()
  for (const m of ['Select the type of note', 'Enter the date it happened', 'Enter a short summary', 'Enter the note']) {
    assert.ok(messages.includes(m), `error summary says "${m}"`)
  }
  await expectNoAxeViolations(page, 'note form with errors')

  const summaryText = `Phone call with the school ${Date.now()}`
  await page.check('input[name="kind"][value="phone_call"]')
  await fillDate(page, 'occurred_on', new Date().toISOString().slice(0, 10))
  await page.fill('#summary', summaryText)
  await page.fill('#body', 'The class teacher says attendance has improved since half term.')
  res = await pressButton(page, 'Save note')
  assert.equal(res.status(), 200)
  assert.equal(pathOf(page), caseUrl)
  assert.ok(await page.getByText(summaryText).count(), 'the note is in the chronology')

  // The chronology filters by type.
  res = await page.goto(`${caseUrl}/chronology?kind=phone_call`)
  assert.equal(res.status(), 200)
  assert.ok(await page.getByText(summaryText).count(), 'the filtered chronology shows the note')
  await expectNoAxeViolations(page, 'chronology')
  res = await page.goto(`${caseUrl}/chronology?kind=visit&from=2000-01-01`)
  assert.equal(await page.getByText(summaryText).count(), 0, 'a phone call is not listed among visits')

  // A note can be edited on the day it was written.
  await page.goto(`${caseUrl}/chronology`)
  await clickAndWait(page, page.getByRole('link', { name: `Edit note: ${summaryText}` }))
  await page.fill('#summary', `${summaryText} (edited)`)
  res = await pressButton(page, 'Save')
  assert.equal(res.status(), 200)
  assert.ok(await page.getByText(`${summaryText} (edited)`).count(), 'the edit is saved')

  // On a phone.
  await page.setViewportSize({ width: 320, height: 800 })
  await page.goto(caseUrl)
  await expectNoHorizontalScroll(page, 'case page at 320px')
  await screenshot(page, 'case-page-320')
  await context.close()
})

test('a team manager opens a case, adds a child, lists a hearing and allocates it', { timeout: 120_000 }, async () => {
  const { context, page } = await newPage(browser)
  await signIn(page, ACCOUNTS.teamManager)
  let res = await page.goto('/cases/new')
  assert.equal(res.status(), 200)
  await expectNoAxeViolations(page, 'open a case')
  // Each law type's own dates appear only once it is chosen.
  assert.equal(await page.locator('#issued_on-day').isVisible(), false, 'no public law fields before a law type is chosen')
  assert.equal(await page.locator('#first_hearing_on-day').isVisible(), false)
  await page.check('input[name="law"][value="public"]')
  assert.ok(await page.locator('#issued_on-day').isVisible(), 'public law shows its issue date')
  assert.equal(await page.locator('#first_hearing_on-day').isVisible(), false, 'and not the private law hearing')

  // Public law without its local authority or issue date, and a bad case number.
  await page.fill('#court_case_number', 'bad number!')
  await page.check('input[name="law"][value="public"]')
  await page.check('input[name="applications"][value="child_arrangements"]')
  res = await pressButton(page, 'Open the case')
  assert.equal(res.status(), 400)
  const messages = await page.locator('.govuk-error-summary').innerText()
  for (const m of ['Court case number must only include letters', 'Select the court', 'Select only public law applications']) {
    assert.ok(messages.includes(m), `error summary says "${m}": ${messages}`)
  }
  await expectNoAxeViolations(page, 'open a case with errors')
  await screenshot(page, 'open-case-errors')

  await page.fill('#court_case_number', 'BS26P09999')
  await page.check('input[name="law"][value="private"]')
  await page.selectOption('#court_id', { index: 1 })
  const fhdra = new Date(Date.now() + 35 * 86400_000).toISOString().slice(0, 10)
  await fillDate(page, 'first_hearing_on', fhdra)
  await page.check('input[name="flags"][value="domestic_abuse"]')
  res = await pressButton(page, 'Open the case')
  assert.equal(res.status(), 200)
  assert.match(pathOf(page), /^\/cases\/[0-9a-f-]{36}$/)
  const caseUrl = pathOf(page)
  assert.ok(await page.getByText('Safeguarding letter to court').count(), 'deadlines follow from the dates')
  assert.ok(await page.getByText('Not allocated').count())

  // A child.
  await pressButton(page, 'Add a person')
  await page.fill('#full_name', 'Poppy Testcase')
  await page.check('input[name="role"][value="subject_child"]')
  res = await pressButton(page, 'Add to the case')
  assert.equal(res.status(), 400, 'a child needs a date of birth')
  await fillDate(page, 'date_of_birth', '2019-05-04')
  res = await pressButton(page, 'Add to the case')
  assert.equal(res.status(), 200)
  assert.equal(await page.locator('h1').innerText(), 'Poppy Testcase')

  // A hearing at a time the court does not sit is refused; a good one is listed.
  await pressButton(page, 'List a hearing')
  await page.check('input[name="kind"][value="fhdra"]')
  await fillDate(page, 'date', fhdra)
  await page.fill('#time', '21:00')
  res = await pressButton(page, 'List the hearing')
  assert.equal(res.status(), 400)
  await page.fill('#time', '10:30')
  res = await pressButton(page, 'List the hearing')
  assert.equal(res.status(), 200)

  // An impossible date is named, kept as typed, and nothing is saved: 31 February is not blanked
  // into "no date" as a browser's own date picker would.
  await page.goto(`${caseUrl}/tasks/new`)
  await page.fill('#title', 'Ring the school')
  await fillDate(page, 'due_on', '2026-02-31')
  res = await pressButton(page, 'Add the task')
  assert.equal(res.status(), 400)
  assert.match(await page.locator('.govuk-error-summary').innerText(), /The due date must be a real date/)
  assert.equal(await page.inputValue('#due_on-day'), '31', 'the day is shown as typed')
  assert.equal(await page.inputValue('#due_on-month'), '2')
  await expectNoAxeViolations(page, 'task with an impossible date')
  await page.fill('#due_on-month', '')
  res = await pressButton(page, 'Add the task')
  assert.equal(res.status(), 400)
  assert.match(await page.locator('.govuk-error-summary').innerText(), /The due date must include a month/)
  assert.ok(await page.locator('#due_on-month.govuk-input--error').count(), 'the missing part is marked')
  assert.equal(await page.locator('#due_on-day.govuk-input--error').count(), 0, 'the part that was right is not')
  await fillDate(page, 'due_on', '2026-03-27')
  res = await pressButton(page, 'Add the task')
  assert.equal(res.status(), 200)
  assert.ok(await page.getByText('Ring the school').count(), 'the task is on the case')
  assert.match(await page.locator('#saved').innerText(), /Task added/, 'a saved change says so')
  await expectNoAxeViolations(page, 'case page with a success banner')
  await page.goto(caseUrl)
  assert.equal(await page.locator('#saved').count(), 0, 'once only')

  // Allocate to the first practitioner offered.
  await pressButton(page, 'Allocate')
  await expectNoAxeViolations(page, 'allocate')
  await chooseWorker(page, 0)
  res = await pressButton(page, 'Allocate')
  assert.equal(res.status(), 400, 'an allocation needs a reason')
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the reason for this allocation/)
  await page.fill('#reason', 'Has capacity this month and knows the court')
  res = await pressButton(page, 'Allocate')
  assert.equal(res.status(), 200)
  assert.equal(pathOf(page), caseUrl)
  assert.equal(await page.getByText('Not allocated').count(), 0)
  assert.ok(await page.getByText(/^Allocated to /).count(), 'the allocation is in the chronology')
  await screenshot(page, 'case-opened-by-manager')

  // Re-allocating names who holds the case now and keeps it with them unless changed.
  const allocatedRow = page.locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: 'Allocated to' }) })
  const holder = (await allocatedRow.locator('dd.govuk-summary-list__value').innerText()).replace(/ since .*$/, '').trim()
  await pressButton(page, 'Re-allocate')
  assert.equal((await page.locator('h1').innerText()).trim(), 'Re-allocate the case')
  assert.equal((await page.locator('#current-worker').innerText()).trim(), `${holder} holds the case now.`)
  assert.ok(await page.locator('input[name="worker_id"][value="keep"]').isChecked(), 'kept with them unless changed')
  assert.equal(await page.locator('#worker-hub').isChecked(), false, 'never returned to the hub by default')
  await expectNoAxeViolations(page, 're-allocate')
  await screenshot(page, 're-allocate')
  res = await pressButton(page, 'Save')
  assert.equal(res.status(), 200)
  assert.equal(pathOf(page), caseUrl)
  assert.equal(await page.getByText('Not allocated').count(), 0, 'still with them')

  // The allocation hub, and possible duplicate people.
  res = await page.goto('/cases/hub')
  assert.equal(res.status(), 200)
  await expectNoAxeViolations(page, 'allocation hub')
  res = await page.goto('/people/duplicates')
  assert.equal(res.status(), 200)
  await expectNoAxeViolations(page, 'possible duplicate people')
  await context.close()
})

test('HR sees no case records', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser)
  await signIn(page, ACCOUNTS.hr, { axe: false })
  const res = await page.goto('/cases')
  assert.equal(res.status(), 403)
  await context.close()
})

test('the whole flow: allocated from the hub, opened on a phone, a note and a photographed document, a deadline across Christmas', { timeout: 180_000 }, async () => {
  // Who the demo practitioner is, by name, for the allocation list.
  const worker = await newPage(browser, { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true })
  await signIn(worker.page, ACCOUNTS.practitioner, { axe: false })
  const workerName = (await worker.page.locator('.hearth-header__name').innerText()).trim()

  // A manager opens a case whose first hearing is on 30 December 2026: three working days before
  // it, skipping Christmas Day and the Boxing Day substitute, is Wednesday 23 December.
  const { context, page } = await newPage(browser)
  await signIn(page, ACCOUNTS.teamManager, { axe: false })
  await page.goto('/cases/new')
  const number = `BS26P${String(Date.now()).slice(-5)}`
  await page.fill('#court_case_number', number)
  await page.check('input[name="law"][value="private"]')
  await page.check('input[name="applications"][value="child_arrangements"]')
  await page.selectOption('#court_id', { index: 1 })
  await fillDate(page, 'received_on', '2026-11-20')
  await fillDate(page, 'first_hearing_on', '2026-12-30')
  let res = await pressButton(page, 'Open the case')
  assert.equal(res.status(), 200)
  const caseUrl = pathOf(page)
  const reference = (await page.locator('.govuk-caption-l').innerText()).trim()

  // It waits in the hub; the manager allocates it from there.
  await page.goto('/cases/hub?page=1')
  let link = page.getByRole('link', { name: new RegExp(reference) })
  for (let p = 2; !(await link.count()) && p < 200; p++) {
    res = await page.goto(`/cases/hub?page=${p}`)
    link = page.getByRole('link', { name: new RegExp(reference) })
  }
  assert.ok(await link.count(), `${reference} is in the allocation hub`)
  await expectNoAxeViolations(page, 'allocation hub')
  await clickAndWait(page, link)
  await pressButton(page, 'Allocate')
  await chooseWorker(page, workerName)
  await page.fill('#reason', 'Continuity: has worked with this family before')
  res = await pressButton(page, 'Allocate')
  assert.equal(res.status(), 200)
  await context.close()

  // The worker, on a 360px phone, finds it in their cases.
  const w = worker.page
  res = await w.goto(`/cases?show=mine&q=${encodeURIComponent(reference)}`)
  assert.equal(res.status(), 200)
  await clickAndWait(w, w.getByRole('link', { name: new RegExp(reference) }))
  assert.equal(pathOf(w), caseUrl)
  await expectNoHorizontalScroll(w, 'case page at 360px', 360)
  await expectNoAxeViolations(w, 'case page on a phone')
  const letter = w.getByRole('region', { name: 'Deadlines' }).locator('tr', { hasText: 'Safeguarding letter to court' })
  assert.match(await letter.innerText(), /Wed 23 Dec 2026/, 'the deadline skips Christmas Day and the Boxing Day substitute')
  assert.match(await letter.innerText(), /3 working days before the first hearing/)

  // A typed note.
  await pressButton(w, 'Add a note')
  await w.check('input[name="kind"][value="phone_call"]')
  await w.fill('#summary', 'Screening call with the applicant')
  await w.fill('#body', 'Safety only discussed. Agreed text reminders.')
  res = await pressButton(w, 'Save note')
  assert.equal(res.status(), 200)

  // Text pasted with a hidden control character is refused, saying which field and why.
  await pressButton(w, 'Add a note')
  await w.check('input[name="kind"][value="phone_call"]')
  await w.fill('#summary', 'Pasted from an old system')
  await w.fill('#body', 'Copied text\u0007 with a bell in it')
  res = await pressButton(w, 'Save note')
  assert.equal(res.status(), 422)
  assert.match(await w.locator('.govuk-error-summary').innerText(), /Body contains a hidden control character \(U\+0007\)/)
  await expectNoAxeViolations(w, 'a refused control character')
  await screenshot(w, 'control-character-refused')
  await w.goto(caseUrl)
  assert.equal(await w.getByText('Pasted from an old system').count(), 0, 'nothing was saved')

  // No signal in the court corridor: the note is held on the device and sent when the signal returns.
  await pressButton(w, 'Add a note')
  await w.check('input[name="kind"][value="court_attendance"]')
  await w.fill('#summary', 'Spoke to both parents outside court')
  await w.fill('#body', 'Both agreed to the interim arrangements. Written with no signal.')
  await worker.context.setOffline(true)
  await w.getByRole('button', { name: 'Save note', exact: true }).click()
  await w.getByText('There is no signal. Your note is kept on this device').waitFor()
  assert.match(pathOf(w), /\/notes\/new$/, 'still on the form, nothing lost')
  await expectNoAxeViolations(w, 'note held offline')
  const sent = w.waitForURL((url) => !url.pathname.endsWith('/notes/new'))
  await worker.context.setOffline(false)
  await sent
  assert.equal(pathOf(w), caseUrl)
  assert.ok(await w.getByText('Spoke to both parents outside court').count(), 'the held note arrived when the signal came back')

  // A photographed document: the phone's camera gives a JPEG (made here by the browser's canvas).
  await pressButton(w, 'Add a document or photo')
  await expectNoAxeViolations(w, 'upload form')
  const jpeg = await w.evaluate(async () => {
    const c = document.createElement('canvas')
    c.width = 800
    c.height = 600
    const g = c.getContext('2d')
    g.fillStyle = '#fff'
    g.fillRect(0, 0, 800, 600)
    g.fillStyle = '#000'
    g.font = '40px sans-serif'
    g.fillText('ORDER OF THE COURT', 120, 300)
    const blob = await new Promise((resolve) => c.toBlob(resolve, 'image/jpeg', 0.9))
    return Array.from(new Uint8Array(await blob.arrayBuffer()))
  })
  await w.check('input[name="kind"][value="court_order"]')
  await w.setInputFiles('#photo', { name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpeg) })
  await w.fill('#title', 'Order from the first hearing')
  res = await pressButton(w, 'Add to the case')
  assert.equal(res.status(), 200)
  assert.ok(await w.getByRole('link', { name: /Order from the first hearing/ }).count(), 'the document is listed on the case')
  const thumb = w.locator('img.hearth-document__thumb').first()
  await thumb.waitFor()
  assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0), 'its thumbnail shows')
  await expectNoHorizontalScroll(w, 'case page with a document at 360px', 360)
  await screenshot(w, 'case-on-a-phone-with-document')

  // A Windows program renamed to .pdf is refused with the error summary.
  await pressButton(w, 'Add a document or photo')
  await w.check('input[name="kind"][value="report"]')
  await w.setInputFiles('#file', { name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 This program cannot be run in DOS mode.') })
  res = await pressButton(w, 'Add to the case')
  assert.equal(res.status(), 400)
  assert.match(await w.locator('.govuk-error-summary').innerText(), /The file must be a PDF/)
  await expectNoAxeViolations(w, 'upload form with an error')
  await worker.context.close()
})
