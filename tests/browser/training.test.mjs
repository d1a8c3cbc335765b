// Training and policies in Chromium, as the "done" describes them: an expired mandatory
// course on My People and on the person's own record; finishing a module brings it up to date;
// the domestic abuse practice policy is a reminder (not a block) before a section 16A risk
// assessment until the practitioner confirms its new version. axe-core checks every page.

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

/// The start-court-work page of one of the practitioner's private law cases (where a section 16A
/// risk assessment can be started).
async function startWorkOnPrivateCase(page) {
  await page.goto('/')
  const cases = await page.locator('#my-cases a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
  for (const href of cases) {
    assert.equal((await page.goto(`${href}/work/new`)).status(), 200)
    if ((await page.getByLabel('Section 16A risk assessment').count()) > 0) return
  }
  assert.fail('the demo practitioner holds a private law case')
}

test('a practitioner sees training due, finishes a module, and confirms the new domestic abuse policy after its reminder', { timeout: 180_000 }, async () => {
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.practitioner, { axe: false })
  // My Work: one course expired, one expiring (and reminded), the new policy to confirm.
  assert.match(await page.locator('#my-training').innerText(), /1 out of date, 1 due soon/)
  assert.match(await page.locator('#my-policies').innerText(), /Domestic abuse practice policy, version 2/)
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Your Domestic abuse practice training expires on/)

  // The reminder before a section 16A risk assessment: a hint, and the choice is still open.
  await startWorkOnPrivateCase(page)
  const risk = page.getByLabel('Section 16A risk assessment')
  assert.match(await page.locator(`#${await risk.getAttribute('aria-describedby')}`).innerText(), /not yet confirmed you have read version 2 of the Domestic abuse practice policy/)
  assert.ok(await risk.isEnabled())
  await expectNoAxeViolations(page, 'start court work with the policy reminder')

  // Their record, and the expired course brought up to date by finishing its module.
  assert.equal((await page.goto('/my/training')).status(), 200)
  const expired = page.locator('#mandatory tbody tr', { hasText: 'Data protection and information security' })
  assert.match(await expired.innerText(), /Expired/)
  await expectNoAxeViolations(page, 'your training')
  await expectNoHorizontalScroll(page, 'your training on a phone', 360)
  await clickAndWait(page, expired.getByRole('link'))
  assert.ok((await page.locator('#module h2, #module h3').count()) > 0, 'the module is rendered from Markdown')
  await expectNoAxeViolations(page, 'a training module')
  await expectNoHorizontalScroll(page, 'a training module on a phone', 360)
  await clickAndWait(page, page.getByRole('button', { name: 'I have completed this module' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Course completed/)
  assert.match(await page.locator('#my-standing').innerText(), /Up to date/)
  await screenshot(page, 'training-module-completed-phone')

  // The policy: read it, confirm it, and the reminder is gone.
  assert.equal((await page.goto('/policies')).status(), 200)
  await expectNoAxeViolations(page, 'policies')
  await clickAndWait(page, page.getByRole('link', { name: 'Domestic abuse practice policy' }))
  assert.match(await page.locator('#my-confirmation').innerText(), /To confirm/)
  await expectNoAxeViolations(page, 'a policy to confirm')
  await clickAndWait(page, page.getByRole('button', { name: 'I have read and understood version 2' }))
  assert.match(await page.locator('#my-confirmation').innerText(), /You confirmed this version on/)
  await startWorkOnPrivateCase(page)
  assert.equal(await page.getByLabel('Section 16A risk assessment').getAttribute('aria-describedby'), null, 'no reminder once confirmed')
  await page.goto('/')
  assert.match(await page.locator('#my-training').innerText(), /1 due soon/)
  assert.equal(await page.locator('#my-policies').count(), 0)
})

test('a team manager sees training out of date on My People and records a course done elsewhere', { timeout: 180_000 }, async () => {
  const { page } = await newPage(browser)
  await signIn(page, ACCOUNTS.teamManager, { axe: false })
  assert.equal((await page.goto('/my-people?sort=training')).status(), 200)
  assert.match(await page.locator('#training-figure').innerText(), /Mandatory training up to date: \d+ of \d+ \(\d+%\)\. Current policies confirmed: \d+ of \d+/)
  // Sorted by training out of date: the first person has a mandatory course out of date.
  const first = page.locator('#team-grid tbody tr').first().locator('td[data-label="Training"]')
  assert.match(await first.innerText(), /out of date/)
  await expectNoAxeViolations(page, 'My People with training')
  await clickAndWait(page, first.getByRole('link', { name: /Training record/ }))
  assert.match(await page.locator('#mandatory').innerText(), /Expired|Not done/)
  await expectNoAxeViolations(page, 'a person\'s training')

  // The demo practitioner, whom they line-manage: their domestic abuse training is about to expire.
  await page.goto('/my-people')
  await clickAndWait(page, page.locator('#team-grid tbody tr', { hasText: 'Sam Okafor' }).getByRole('link', { name: /Training record/ }))
  const course = 'Domestic abuse practice'
  await clickAndWait(page, page.getByRole('button', { name: 'Record a completed course' }))
  await expectNoAxeViolations(page, 'record a completed course')
  // Nothing chosen and an impossible date: each field says what is wrong, and nothing is saved.
  await fillDate(page, 'completed_on', '2026-02-31')
  await clickAndWait(page, page.getByRole('button', { name: 'Record it' }))
  const summary = await page.locator('.govuk-error-summary').innerText()
  assert.match(summary, /Choose the course they completed/)
  assert.match(summary, /Date completed|date it was completed/i)
  await expectNoAxeViolations(page, 'record a completed course, with errors')

  await page.getByLabel(course, { exact: true }).check()
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
  await fillDate(page, 'completed_on', yesterday)
  await clickAndWait(page, page.getByRole('button', { name: 'Record it' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Completed course recorded/)
  assert.equal((await page.locator('.govuk-caption-l').innerText()).trim(), 'Sam Okafor')
  assert.match(await page.locator('#mandatory tbody tr', { hasText: course }).innerText(), /Up to date/)
  await screenshot(page, 'training-recorded')
})

test('an administrator writes a module in Markdown; raw HTML in it shows as text', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser)
  await signIn(page, ACCOUNTS.admin, { axe: false })
  assert.equal((await page.goto('/training')).status(), 200)
  await clickAndWait(page, page.getByRole('button', { name: 'Add a course' }))
  await page.fill('#title', 'Using the worry meter')
  await page.fill('#renew_months', 'often')
  await clickAndWait(page, page.getByRole('button', { name: 'Save the course' }))
  const summary = await page.locator('.govuk-error-summary').innerText()
  assert.match(summary, /Enter a summary/)
  assert.match(summary, /whole number/)
  assert.equal(await page.inputValue('#title'), 'Using the worry meter', 'what was typed is kept')
  await expectNoAxeViolations(page, 'add a course, with errors')

  await page.fill('#summary', 'How children show their worries with the sliding meter.')
  await page.fill('#renew_months', '')
  await page.fill('#body', '# The meter\n\nLet the child **choose**.\n\n<script>document.title="owned"</script>')
  await clickAndWait(page, page.getByRole('button', { name: 'Save the course' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Course saved/)
  assert.match(await page.locator('#module').innerText(), /<script>document\.title="owned"<\/script>/)
  assert.doesNotMatch(await page.title(), /owned/)
  assert.equal(await page.locator('#module strong').innerText(), 'choose')
  await expectNoAxeViolations(page, 'a new course')
})

test('a practitioner answers a module\'s quiz: a miss says which questions to look at again, a pass records it done', { timeout: 120_000 }, async () => {
  const { page } = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(page, ACCOUNTS.practitioner, { axe: false })
  assert.equal((await page.goto('/training')).status(), 200)
  await clickAndWait(page, page.getByRole('link', { name: 'Domestic abuse practice', exact: true }))
  assert.match(await page.locator('#quiz').innerText(), /Check what you have learned/)
  await expectNoAxeViolations(page, 'a module with a quiz')
  await expectNoHorizontalScroll(page, 'a module with a quiz on a phone', 360)
  const question = (n) => page.getByRole('group', { name: new RegExp(`^${n}\\. `) })
  // One question left out: the summary names it, and what was chosen stays chosen.
  await question(1).getByLabel('Make sure they and the children are safe now, and tell your manager the same day').check()
  await clickAndWait(page, page.getByRole('button', { name: 'Send my answers' }))
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Answer question 2/)
  assert.ok(await question(1).getByLabel('Make sure they and the children are safe now, and tell your manager the same day').isChecked())
  await expectNoAxeViolations(page, 'a quiz with a question left out')
  // Two wrong of five: not passed, and the page says which to look at again.
  await question(2).getByLabel('Only physical violence').check()
  await question(3).getByLabel('A risk assessment of the harm to the child and to the parent who was abused').check()
  await question(4).getByLabel('The case reference and the children\'s names').check()
  await question(5).getByLabel('Only Hearth staff who need it, never the other party').check()
  await clickAndWait(page, page.getByRole('button', { name: 'Send my answers' }))
  assert.match(await page.locator('#quiz-result').innerText(), /You answered 3 of 5 questions rightly; the pass mark is 80%\. Look again at questions 2 and 4/)
  await screenshot(page, 'training-quiz-not-passed-phone')
  // All right: done today.
  await question(1).getByLabel('Make sure they and the children are safe now, and tell your manager the same day').check()
  await question(2).getByLabel('Coercive control, including over money, contact with friends or where someone can go').check()
  await question(3).getByLabel('A risk assessment of the harm to the child and to the parent who was abused').check()
  await question(4).getByLabel('The time of an appointment').check()
  await question(5).getByLabel('Only Hearth staff who need it, never the other party').check()
  await clickAndWait(page, page.getByRole('button', { name: 'Send my answers' }))
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /Course completed/)
  assert.match(await page.locator('#my-standing').innerText(), /Up to date/)
})
