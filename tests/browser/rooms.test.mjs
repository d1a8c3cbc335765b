// Team rooms in Chromium: the team manager starts a thread in the team's room and pins it to the
// noticeboard; the practitioner, on a phone, finds it on the noticeboard, is warned before
// posting a case reference, and replies; the manager sees the reply; national leadership makes
// an announcement that sits on the practitioner's home page until they mark it read. axe-core
// checks every page; the phone pages must not scroll sideways at 360 px.

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

test('a manager pins a notice, a practitioner replies from a phone, and an announcement waits on the home page until read', { timeout: 240_000 }, async () => {
  const stamp = Date.now().toString(36)
  const title = `Team day on Wednesday ${stamp}`

  // The manager, at a desk: their team's room, its noticeboard, a new thread, pinned.
  const manager = await newPage(browser, { viewport: { width: 1280, height: 900 } })
  await signIn(manager.page, ACCOUNTS.teamManager, { axe: false })
  await clickAndWait(manager.page, manager.page.locator('nav a[href="/rooms"]'))
  await expectNoAxeViolations(manager.page, 'rooms')
  await clickAndWait(manager.page, manager.page.locator('#my-rooms a').first())
  assert.match(await manager.page.locator('#room-reminder').innerText(), /Never put children's or families' details in a room/)
  assert.match(await manager.page.locator('.hearth-noticeboard').innerText(), /How we work together/, 'the demo pins the team charter')
  await expectNoAxeViolations(manager.page, 'a team room')
  await manager.page.locator('#start-thread summary').click()
  // A thread without a title is named on the form, with what was typed kept.
  await manager.page.fill('#body', 'Desks are held for us. Book yours on the Desks page.')
  await clickAndWait(manager.page, manager.page.locator('#post-button'))
  assert.match(await manager.page.locator('.govuk-error-summary').innerText(), /Enter a title/)
  assert.equal(await manager.page.inputValue('#body'), 'Desks are held for us. Book yours on the Desks page.')
  await expectNoAxeViolations(manager.page, 'a thread with no title')
  await manager.page.fill('#title', title)
  await clickAndWait(manager.page, manager.page.locator('#post-button'))
  assert.match(await manager.page.locator('#saved').innerText(), /Posted/)
  await clickAndWait(manager.page, manager.page.getByRole('button', { name: 'Pin to the noticeboard' }))
  assert.match(await manager.page.locator('#saved').innerText(), /Pinned to the noticeboard/)
  const threadUrl = manager.page.url()
  // A mark on this page: a reload would clear it, so it proves a reply came live.
  await manager.page.evaluate(() => { window.hearthStillHere = true })
  await expectNoAxeViolations(manager.page, 'a pinned thread')
  await screenshot(manager.page, 'rooms-thread-pinned-desktop')

  // The practitioner, on a phone: the notice is on the board; a case reference is warned about.
  const worker = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(worker.page, ACCOUNTS.practitioner, { axe: false })
  await worker.page.goto('/rooms')
  await clickAndWait(worker.page, worker.page.locator('#my-rooms a').first())
  await expectNoHorizontalScroll(worker.page, 'a team room on a phone', 360)
  await clickAndWait(worker.page, worker.page.locator('.hearth-noticeboard a', { hasText: title }))
  assert.equal(new URL(worker.page.url()).pathname, new URL(threadUrl).pathname)
  await worker.page.fill('#body', 'I can bring the HRT-2026-000100 bundle')
  await clickAndWait(worker.page, worker.page.locator('#post-button'))
  assert.match(await worker.page.locator('#family-details').innerText(), /a case reference \(HRT-2026-000100\)/)
  await expectNoAxeViolations(worker.page, 'the family-details warning')
  await worker.page.fill('#body', 'Count me in. I will **bring the cake**.')
  await clickAndWait(worker.page, worker.page.locator('#post-button'))
  assert.match(await worker.page.locator('#saved').innerText(), /Reply posted/)
  assert.match(await worker.page.locator('.hearth-post-card').last().innerHTML(), /<strong>bring the cake<\/strong>/)
  await worker.page.getByRole('button', { name: /^Thanks/ }).first().click()
  await worker.page.waitForLoadState('load')
  assert.equal(await worker.page.locator('.hearth-reaction--mine').count(), 1, 'a reaction is given')
  await expectNoAxeViolations(worker.page, 'a thread on a phone')
  await expectNoHorizontalScroll(worker.page, 'a thread on a phone', 360)
  await screenshot(worker.page, 'rooms-thread-phone')

  // The manager, who kept the thread open, sees the reply arrive without reloading.
  await manager.page.locator('#replies', { hasText: '1 reply' }).waitFor({ timeout: 10_000 })
  assert.match(await manager.page.locator('.hearth-post-card').last().innerText(), /Count me in/)
  assert.match(await manager.page.locator('[role="status"]').last().innerText(), /New posts are shown/)
  assert.equal(await manager.page.evaluate(() => window.hearthStillHere), true, 'no reload: the reply came live')

  // National leadership announces; it waits on the practitioner's home page until read.
  const leader = await newPage(browser, { viewport: { width: 1280, height: 900 } })
  await signIn(leader.page, ACCOUNTS.nationalLeader, { axe: false })
  await leader.page.goto('/announcements/new')
  await expectNoAxeViolations(leader.page, 'a national announcement')
  const news = `New lone-working app ${stamp}`
  await leader.page.fill('#title', news)
  await leader.page.fill('#body', 'It replaces the phone check-in from **Monday**.')
  await clickAndWait(leader.page, leader.page.locator('#post-button'))
  assert.match(await leader.page.locator('#saved').innerText(), /Announcement made/)
  await worker.page.goto('/')
  const banner = worker.page.locator('.govuk-notification-banner', { hasText: news })
  assert.equal(await banner.count(), 1, 'the announcement is on the home page')
  await expectNoAxeViolations(worker.page, 'home with an announcement')
  await expectNoHorizontalScroll(worker.page, 'home with an announcement, on a phone', 360)
  await screenshot(worker.page, 'rooms-announcement-home-phone')
  await clickAndWait(worker.page, banner.getByRole('button', { name: /Mark as read/ }))
  assert.equal(await worker.page.locator('.govuk-notification-banner', { hasText: news }).count(), 0, 'read: gone')

  await manager.context.close()
  await worker.context.close()
  await leader.context.close()
})

test('a practitioner messages their line manager from a phone, who replies, and each sees it was seen', { timeout: 180_000 }, async () => {
  const stamp = Date.now().toString(36)
  const worker = await newPage(browser, { viewport: { width: 360, height: 780 } })
  await signIn(worker.page, ACCOUNTS.practitioner, { axe: false })
  await worker.page.goto('/chat')
  await expectNoAxeViolations(worker.page, 'chat')
  await expectNoHorizontalScroll(worker.page, 'chat on a phone', 360)
  await clickAndWait(worker.page, worker.page.locator('#chat-manager'))
  // An empty message is named on the form.
  await clickAndWait(worker.page, worker.page.locator('#send'))
  assert.match(await worker.page.locator('.govuk-error-summary').innerText(), /Enter a message/)
  await expectNoAxeViolations(worker.page, 'an empty message')
  const words = `Could we talk about my caseload this week? ${stamp}`
  await worker.page.fill('#body', words)
  await clickAndWait(worker.page, worker.page.locator('#send'))
  assert.match(await worker.page.locator('#latest').innerText(), new RegExp(stamp))
  const chatUrl = new URL(worker.page.url()).pathname
  await worker.page.evaluate(() => { window.hearthStillHere = true })
  await expectNoAxeViolations(worker.page, 'a conversation')
  await expectNoHorizontalScroll(worker.page, 'a conversation on a phone', 360)
  await screenshot(worker.page, 'chat-phone')

  const manager = await newPage(browser, { viewport: { width: 1280, height: 900 } })
  await signIn(manager.page, ACCOUNTS.teamManager, { axe: false })
  assert.match(await manager.page.locator('#unread-messages').innerText(), /unread message/)
  await clickAndWait(manager.page, manager.page.locator('#unread-messages a'))
  await clickAndWait(manager.page, manager.page.locator('#conversations a', { hasText: 'Sam Okafor' }).first())
  assert.equal(new URL(manager.page.url()).pathname, chatUrl, 'one conversation a pair')
  assert.match(await manager.page.locator('#messages').innerText(), new RegExp(stamp))
  await manager.page.fill('#body', 'Yes, Thursday at ten?')
  await clickAndWait(manager.page, manager.page.locator('#send'))

  // The practitioner kept the conversation open: the reply arrives without a reload.
  await worker.page.locator('#latest', { hasText: 'Thursday at ten' }).waitFor({ timeout: 10_000 })
  assert.equal(await worker.page.evaluate(() => window.hearthStillHere), true, 'no reload: the message came live')
  await manager.page.goto(chatUrl)
  assert.match(await manager.page.locator('#seen').innerText(), /Seen by Sam Okafor/)
  await manager.context.close()
  await worker.context.close()
})
