// Signing in and out, the sign-in page's error states, security headers, and a narrow screen.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  ACCOUNTS,
  assertServerUp,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  launch,
  newPage,
  pathOf,
  pressButton,
  screenshot,
  signIn,
  signOut,
} from './lib.mjs'

let browser
let page

before(async () => {
  await assertServerUp()
  browser = await launch()
  ;({ page } = await newPage(browser))
})

after(async () => {
  await browser?.close()
})

async function submitSignIn(email, password) {
  await page.goto('/sign-in')
  if (email !== undefined) await page.locator('#email').fill(email)
  if (password !== undefined) await page.locator('#password').fill(password)
  return pressButton(page, 'Sign in')
}

test('the sign-in page passes axe', async () => {
  const response = await page.goto('/sign-in')
  assert.equal(response.status(), 200)
  await expectNoAxeViolations(page, 'sign-in page')
})

test('a wrong password shows an error summary', async () => {
  // An account no other test signs in as, so its failure count never gets in the way.
  await submitSignIn(ACCOUNTS.nationalLeader, 'not-the-right-password')
  assert.equal(pathOf(page), '/sign-in')
  const summary = page.locator('.govuk-error-summary')
  await summary.waitFor()
  assert.match(await summary.innerText(), /Enter a correct email address and password/)
  await expectNoAxeViolations(page, 'sign-in page, wrong password')
})

test('an empty sign-in shows errors linked to both fields', async () => {
  await submitSignIn()
  const summary = page.locator('.govuk-error-summary')
  await summary.waitFor()
  assert.equal(await summary.locator('a[href="#email"]').count(), 1, 'error summary links to #email')
  assert.equal(await summary.locator('a[href="#password"]').count(), 1, 'error summary links to #password')
  await expectNoAxeViolations(page, 'sign-in page, empty')
})

test('signing in with MFA as the practitioner reaches the home page', { timeout: 120_000 }, async () => {
  await signIn(page, ACCOUNTS.practitioner)
  const response = await page.goto('/')
  assert.equal(response.status(), 200)
  assert.equal(pathOf(page), '/')
  await page.locator('h1').waitFor()

  const name = (await page.locator('header .hearth-header__name').innerText()).trim()
  assert.ok(name.length > 0, 'the header shows the signed-in person’s name')
  assert.ok(!name.includes('@'), `the header shows a name, not an email address: ${name}`)

  const headers = response.headers()
  const csp = headers['content-security-policy'] ?? ''
  assert.match(csp, /frame-ancestors 'none'/, `CSP: ${csp}`)
  assert.match(csp, /'nonce-[^']+'/, `CSP: ${csp}`)
  assert.equal(headers['x-content-type-options'], 'nosniff')
  assert.ok(headers['referrer-policy'], 'a Referrer-Policy header is sent')
  assert.doesNotMatch(headers['referrer-policy'], /unsafe-url|no-referrer-when-downgrade/)

  await expectNoAxeViolations(page, 'home page (practitioner)')
  await screenshot(page, 'home-practitioner')
})

test('signing out returns to the sign-in page and ends the session', async () => {
  await page.goto('/')
  assert.equal(pathOf(page), '/', 'still signed in from the previous test')
  await signOut(page)
  assert.equal(pathOf(page), '/sign-in')
  await expectNoAxeViolations(page, 'sign-in page after signing out')

  await page.goto('/')
  assert.equal(pathOf(page), '/sign-in', 'visiting / after signing out goes to the sign-in page')
})

test('the sign-in page fits a 320px screen', async () => {
  const narrow = await newPage(browser, { viewport: { width: 320, height: 640 } })
  try {
    await narrow.page.goto('/sign-in')
    await expectNoHorizontalScroll(narrow.page, 'sign-in page')
    await expectNoAxeViolations(narrow.page, 'sign-in page at 320px')
    await screenshot(narrow.page, 'sign-in-320')
  } finally {
    await narrow.context.close()
  }
})
