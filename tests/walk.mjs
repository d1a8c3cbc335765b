// The walk: signs in as every demo role and visits every page type reachable from the pages
// themselves (links only: nothing is submitted), in Chromium. Every page is checked with axe-core
// at 1280px and measured at 360px; a link answered 4xx or 5xx is a broken link. Console errors
// and pages wider than a 360px screen are reported. Fails on any axe violation or broken link.
//
//   node tests/walk.mjs [--pictures]      (HEARTH_BASE_URL names the server; scripts/walk starts one)
//
// Results go to test-results/walk/: walk.json (every page, its status, axe violations, width at
// 360px, console errors) and, with --pictures, a screenshot of each page at 360 and 1280px.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACCOUNTS, assertServerUp, launch, newPage, signIn } from './browser/lib.mjs'

const pictures = process.argv.includes('--pictures')
const repoRoot = fileURLToPath(new URL('../', import.meta.url))
const outDir = path.join(repoRoot, 'test-results', 'walk')
const axePath = path.join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js')
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
// Enough for every page type a role reaches; a walk that finds more says so.
const MOST_PAGES = 120

// A page type: the path with its ids and numbers taken out, so /cases/1 and /cases/2 are one.
function pageType(url) {
  return url.pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')
    .replace(/\/\d+(?=\/|$)/g, '/{n}')
}

// Links a walk follows: pages of this server that show a page (not files, not the API, not
// signing out, which is a form anyway).
function followable(url) {
  if (url.origin !== new URL(process.env.HEARTH_BASE_URL || 'http://127.0.0.1:8080').origin) return false
  const p = url.pathname
  if (p.startsWith('/api/') || p.startsWith('/static/') || /\.(csv|pdf|json|png|jpe?g|svg|css|js)$/.test(p)) return false
  if (/\/(download|thumbnail|preview|image)$/.test(p)) return false
  // A document itself (a file, not a page).
  if (/\/documents\/[0-9a-f-]{36}$/.test(p)) return false
  return true
}

async function walkAs(browser, role, email) {
  const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 900 } })
  const consoleErrors = []
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push({ page: page.url(), text: m.text() }) })
  page.on('pageerror', (e) => consoleErrors.push({ page: page.url(), text: e.message }))
  await signIn(page, email, { axe: false })
  const seen = new Map() // page type -> first url
  const queue = [{ url: new URL('/', page.url()), from: '(start)' }]
  const pages = []
  const broken = []
  while (queue.length && pages.length < MOST_PAGES) {
    const { url, from } = queue.shift()
    const type = pageType(url)
    if (seen.has(type)) continue
    seen.set(type, url.href)
    let response
    try {
      response = await page.goto(url.href)
    } catch (e) {
      // A link to a file the browser downloads rather than shows.
      if (/Download is starting/.test(e.message)) continue
      throw e
    }
    const status = response ? response.status() : 0
    if (status >= 400 || status === 0) {
      broken.push({ url: url.pathname + url.search, status, from })
      pages.push({ type, url: url.pathname + url.search, status })
      continue
    }
    if (!(response.headers()['content-type'] || '').startsWith('text/html')) continue
    // A link can land somewhere else (a redirect): the landing page is the one checked.
    const landed = new URL(page.url())
    if (pageType(landed) !== type) seen.set(pageType(landed), landed.href)
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(fs.readFileSync(axePath, 'utf8'))
    const violations = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } })
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))
    }, AXE_TAGS)
    const slug = `${role}-${type.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}`
    if (pictures) await page.screenshot({ path: path.join(outDir, `${slug}-1280.png`), fullPage: true })
    await page.setViewportSize({ width: 360, height: 780 })
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    if (pictures) await page.screenshot({ path: path.join(outDir, `${slug}-360.png`), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 900 })
    pages.push({ type, url: landed.pathname + landed.search, status, title: await page.title(), violations, widthAt360: width })
    const links = await page.evaluate(() => Array.from(document.querySelectorAll('a[href]')).filter((a) => !a.hasAttribute('download')).map((a) => a.href))
    for (const href of links) {
      const next = new URL(href)
      next.hash = ''
      if (followable(next) && !seen.has(pageType(next))) queue.push({ url: next, from: landed.pathname })
    }
  }
  await context.close()
  return { role, email, pages, broken, consoleErrors, more: queue.some((q) => !seen.has(pageType(q.url))) }
}

await assertServerUp()
fs.mkdirSync(outDir, { recursive: true })
const browser = await launch()
const results = []
try {
  for (const [role, email] of Object.entries(ACCOUNTS)) {
    const r = await walkAs(browser, role, email)
    results.push(r)
    const axe = r.pages.reduce((n, p) => n + (p.violations?.length || 0), 0)
    const wide = r.pages.filter((p) => p.widthAt360 > 360).length
    console.log(`${role.padEnd(16)} ${String(r.pages.length).padStart(3)} page types  axe violations ${axe}  broken links ${r.broken.length}  console errors ${r.consoleErrors.length}  wider than 360px ${wide}${r.more ? '  (stopped at the most)' : ''}`)
  }
} finally {
  await browser.close()
}
fs.writeFileSync(path.join(outDir, 'walk.json'), JSON.stringify(results, null, 2))

let failed = false
for (const r of results) {
  for (const p of r.pages) {
    for (const v of p.violations || []) {
      failed = true
      console.error(`axe ${r.role} ${p.url}: ${v.id} [${v.impact}] ${v.help} at ${v.targets.join(', ')}`)
    }
    if (p.widthAt360 > 360) console.error(`wide ${r.role} ${p.url}: ${p.widthAt360}px at a 360px screen`)
  }
  for (const b of r.broken) {
    failed = true
    console.error(`broken ${r.role} ${b.url}: ${b.status}, linked from ${b.from}`)
  }
  for (const c of r.consoleErrors) console.error(`console ${r.role} ${c.page}: ${c.text}`)
}
console.log(`walk: ${results.reduce((n, r) => n + r.pages.length, 0)} pages as ${results.length} roles; results in ${path.relative(repoRoot, outDir)}/walk.json`)
process.exit(failed ? 1 : 0)
