// Court work in Chromium, as the "done" describes it: a practitioner drafts a section 7
// report (refused while sections are empty), submits it; the manager returns it with a comment,
// then approves it; it is filed as a PDF. After the third good report the fourth is filed without
// sign-off, and a dip sample graded "requires improvement" takes that autonomy away. axe-core
// checks every page on the way.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ACCOUNTS, assertServerUp, clickAndWait, expectNoAxeViolations, expectNoHorizontalScroll, fillDate, launch, newPage, pathOf, pressButton, screenshot, signIn } from './lib.mjs'

let browser

before(async () => {
  await assertServerUp()
  browser = await launch()
}, { timeout: 120_000 })

after(async () => {
  await browser?.close()
})

// Writes something in every section of the work page's form.
async function writeEverySection(page, words) {
  for (const area of await page.locator('textarea[data-word-count]').all()) {
    await area.fill(`${words} ${await area.getAttribute('id')}.`)
  }
}

// Starts a section 7 report on the practitioner's first private-law case and gives the work
// page's path.
async function startReport(page) {
  await page.goto('/cases?law=private')
  await clickAndWait(page, page.locator('table a[href^="/cases/"]').first())
  await pressButton(page, 'Start a report or letter')
  await page.getByLabel('Section 7 report').check()
  const res = await pressButton(page, 'Start writing')
  assert.equal(res.status(), 200)
  assert.match(pathOf(page), /^\/work\//)
  return pathOf(page)
}

// The manager signs off the work at `path` with a grade.
async function approve(manager, path, grade) {
  await manager.goto(path)
  await pressButton(manager, 'Review and sign off')
  await manager.getByLabel('Approve it for filing').check()
  await manager.getByLabel(grade, { exact: true }).check()
  const res = await pressButton(manager, 'Save your decision')
  assert.equal(res.status(), 200)
  assert.ok(await manager.getByText('Approved, ready to file').count())
}

async function file(page, path, method) {
  await page.goto(path)
  await pressButton(page, 'File with the court')
  await page.getByLabel(method).check()
  const res = await pressButton(page, 'File with the court')
  assert.equal(res.status(), 200)
  assert.ok(await page.getByRole('heading', { name: 'Filed with the court' }).count(), 'the page says it is filed')
}

test('a section 7 report goes through sign-off to a filed PDF, autonomy is earned and a dip sample takes it away', { timeout: 600_000 }, async () => {
  const worker = await newPage(browser)
  const boss = await newPage(browser)
  const page = worker.page
  const manager = boss.page
  await signIn(page, ACCOUNTS.practitioner)
  await signIn(manager, ACCOUNTS.teamManager)

  // The manager starts the worker's section 7 count again (as after a long absence), so this run
  // earns autonomy from nothing whatever the demo history gave them.
  await page.goto('/my/autonomy')
  const workerAutonomy = pathOf(page)
  await expectNoAxeViolations(page, 'own autonomy page')
  await manager.goto(`${workerAutonomy}/reset`)
  await manager.getByLabel('Work type').selectOption('section_7_report')
  await manager.getByLabel('Reason').fill('Back from a long absence: earning it again.')
  await pressButton(manager, 'Reset the count')
  assert.ok(await manager.getByText('0 of 3 towards section 7 report autonomy').count())

  // 1. The worker drafts a section 7 report. Submitting it half written is refused.
  const first = await startReport(page)
  await expectNoAxeViolations(page, 'new draft')
  await page.locator('#section-wishes_and_feelings').fill('She wants to live with her mum and see her dad every other weekend.')
  await page.getByText(/Draft saved at \d\d:\d\d/).waitFor({ timeout: 15_000 })
  let res = await pressButton(page, 'Submit for sign-off')
  assert.equal(res.status(), 400)
  assert.ok(await page.locator('.govuk-error-summary').getByText('Write the section “Physical, emotional and educational needs”').count())
  assert.equal(await page.locator('#section-wishes_and_feelings').inputValue(), 'She wants to live with her mum and see her dad every other weekend.', 'nothing typed is lost')
  await expectNoAxeViolations(page, 'draft with errors')

  // 2. Written in full, it is submitted.
  await writeEverySection(page, 'Assessed with care in')
  res = await pressButton(page, 'Submit for sign-off')
  assert.equal(res.status(), 200)
  assert.ok(await page.getByRole('heading', { name: 'Waiting for sign-off' }).count())
  await screenshot(page, 'work-submitted')

  // 3. The manager finds it on their home page and returns it with a comment, then approves it.
  await manager.goto('/')
  assert.ok(await manager.getByRole('heading', { name: 'Waiting for your sign-off' }).count())
  await expectNoAxeViolations(manager, 'manager home with sign-off list')
  await manager.goto(first)
  await pressButton(manager, 'Review and sign off')
  await expectNoAxeViolations(manager, 'review page')
  await manager.getByLabel('Return it with comments').check()
  res = await pressButton(manager, 'Save your decision')
  assert.equal(res.status(), 400, 'a return needs a comment')
  await manager.getByLabel('Return it with comments').check()
  await manager.getByLabel('Comment on “Analysis” (optional)').fill('Weigh the checklist points against each other before you recommend.')
  res = await pressButton(manager, 'Save your decision')
  assert.equal(res.status(), 200)
  await screenshot(manager, 'work-returned')

  await page.goto(first)
  assert.ok(await page.getByRole('heading', { name: 'Returned with comments' }).count())
  assert.ok(await page.getByText('Weigh the checklist points against each other before you recommend.').count(), 'the comment shows against its section')
  await expectNoAxeViolations(page, 'returned work')
  await page.locator('#section-analysis').fill('Weighed together, the checklist points favour a shared arrangement.')
  res = await pressButton(page, 'Submit for sign-off')
  assert.equal(res.status(), 200)
  await approve(manager, first, 'Good')

  // 4. It is filed as a PDF, kept on the case.
  await file(page, first, 'Secure email to the court')
  await expectNoAxeViolations(page, 'filed work')
  await screenshot(page, 'work-filed')
  const pdfHref = await page.getByRole('link', { name: 'Open the filed PDF' }).getAttribute('href')
  const pdf = await page.request.get(pdfHref)
  assert.equal(pdf.status(), 200)
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-')

  // Two more good reports earn autonomy...
  for (const grade of ['Outstanding', 'Good']) {
    const path = await startReport(page)
    await writeEverySection(page, 'Fully assessed in')
    await pressButton(page, 'Submit for sign-off')
    await approve(manager, path, grade)
    await file(page, path, "The court's digital portal")
  }
  await page.goto(workerAutonomy)
  assert.ok(await page.getByText('Section 7 report: files without sign-off').count(), 'the worker sees their autonomy')

  // ...so the fourth goes to court without sign-off.
  const fourth = await startReport(page)
  assert.equal(await page.getByRole('button', { name: 'Submit for sign-off' }).count(), 0)
  await writeEverySection(page, 'Assessed on my own authority in')
  await pressButton(page, 'Save and file without sign-off')
  assert.ok(await page.getByText('You have earned authority to file section 7 report work without sign-off').count())
  await expectNoAxeViolations(page, 'filing on own authority')
  await page.getByLabel('By hand at court').check()
  res = await pressButton(page, 'File with the court')
  assert.equal(res.status(), 200)
  assert.ok(await page.getByText(/on delegated authority/).count())

  // A dip sample of that report graded "requires improvement" takes the autonomy away.
  await manager.goto('/samples')
  await expectNoAxeViolations(manager, 'samples page')
  await pressButton(manager, "Propose this period's samples")
  // Sample the fourth report itself: if Hearth did not propose it, swap a proposed piece for it.
  const fourthId = fourth.split('/').pop()
  const samples = await manager.locator('tbody tr', { hasText: 'Sam Okafor' }).locator('a[href^="/samples/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
  assert.ok(samples.length, 'the worker has samples proposed')
  let found = false
  for (const href of samples) {
    await manager.goto(href)
    if (await manager.locator(`a[href="/work/${fourthId}"]`).count()) {
      found = true
      break
    }
  }
  await expectNoAxeViolations(manager, 'sample page')
  if (!found) {
    await manager.goto(samples[0])
    await clickAndWait(manager, manager.getByRole('link', { name: 'Swap this piece for another' }))
    await expectNoAxeViolations(manager, 'swap page')
    await manager.getByLabel('Piece to sample instead').selectOption(fourthId)
    await manager.getByLabel('Reason for the swap').fill('The first report filed on new authority.')
    res = await pressButton(manager, 'Swap it')
    assert.equal(res.status(), 200)
  }
  assert.ok(await manager.locator(`a[href="/work/${fourthId}"]`).count(), 'the fourth report is the one sampled')
  res = await pressButton(manager, 'Save the audit')
  assert.equal(res.status(), 400, 'an empty audit is refused')
  assert.ok(await manager.locator('.govuk-error-summary').count())
  // Radios are numbered GOV.UK style: outstanding, good (-2), requires improvement (-3), inadequate.
  await manager.locator('#grade-3').check()
  for (const outcome of ['safe', 'heard', 'better_represented', 'enabled']) {
    await manager.locator(`#outcome-${outcome}-2`).check()
  }
  await manager.getByLabel('Strengths').fill('The child is heard throughout.')
  await manager.getByLabel('Areas to develop').fill('The risk analysis is thin.')
  await manager.getByLabel('Action 1 (optional)').fill('Reflective supervision on risk analysis')
  await fillDate(manager, 'action-1-due', '2099-01-15')
  res = await pressButton(manager, 'Save the audit')
  assert.equal(res.status(), 200)
  await screenshot(manager, 'sample-audited')

  await page.goto(workerAutonomy)
  assert.ok(await page.getByText('0 of 3 towards section 7 report autonomy').count(), 'the autonomy is gone')
  assert.ok(await page.getByText('Lost on a piece graded below good').count(), 'and the worker sees why')
  await expectNoAxeViolations(page, 'autonomy after the sample')
  await page.setViewportSize({ width: 320, height: 800 })
  await page.goto(fourth)
  await expectNoHorizontalScroll(page, 'filed work at 320px')
  await worker.context.close()
  await boss.context.close()
})

test('a national leader reads the quality figures as charts with tables, and an administrator the templates', { timeout: 180_000 }, async () => {
  const leader = await newPage(browser)
  await signIn(leader.page, ACCOUNTS.nationalLeader)
  let res = await leader.page.goto('/quality')
  assert.equal(res.status(), 200)
  assert.ok(await leader.page.getByRole('heading', { name: 'Quality in the whole service' }).count())
  assert.ok(await leader.page.locator('svg.hearth-chart').count() >= 3, 'three charts')
  assert.ok(await leader.page.getByRole('table').count() >= 2, 'each with its data in a table')
  await expectNoAxeViolations(leader.page, 'quality insight')
  await screenshot(leader.page, 'quality-insight')
  const csv = await leader.page.request.get('/quality.csv?scope=national')
  assert.equal(csv.status(), 200)
  assert.match(await csv.text(), /^quarter,outstanding,good,requires_improvement,inadequate/)
  await leader.page.setViewportSize({ width: 320, height: 800 })
  await leader.page.goto('/quality')
  await expectNoHorizontalScroll(leader.page, 'quality insight at 320px')
  await leader.context.close()

  const admin = await newPage(browser)
  await signIn(admin.page, ACCOUNTS.admin)
  res = await admin.page.goto('/admin/templates')
  assert.equal(res.status(), 200)
  await expectNoAxeViolations(admin.page, 'templates')
  await clickAndWait(admin.page, admin.page.getByRole('link', { name: 'Safeguarding letter' }))
  await expectNoAxeViolations(admin.page, 'template form')
  await admin.page.locator('#heading-1').fill('')
  await admin.page.locator('#heading-2').fill('')
  await admin.page.locator('#heading-3').fill('')
  await admin.page.locator('#heading-4').fill('')
  res = await pressButton(admin.page, 'Publish version 2')
  assert.equal(res.status(), 400, 'a template with no sections is refused')
  assert.ok(await admin.page.locator('.govuk-error-summary').count())
  await expectNoAxeViolations(admin.page, 'template form with errors')
  await admin.context.close()
})
