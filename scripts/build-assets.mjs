#!/usr/bin/env node
// Builds Hearth's browser assets into crates/web/static/dist/ (git-ignored):
//   hearth.css                  frontend/hearth.scss compiled (GOV.UK Frontend, system font)
//   govuk-frontend.min.js(.map) GOV.UK Frontend's ES module, imported by static/hearth.js
//   assets/images/…             only the govuk-frontend images the compiled CSS refers to
//
// Idempotent: a file is rewritten only when its bytes change (so mtimes stay put and
// anything that embeds or caches them does not rebuild needlessly), and stale files
// in dist/ are removed. Usage: npm ci && npm run build:assets

import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const modules = join(root, 'node_modules')
const govuk = join(modules, 'govuk-frontend', 'dist', 'govuk')
const dist = join(root, 'crates', 'web', 'static', 'dist')
// Must match $govuk-assets-path in frontend/hearth.scss.
const assetsUrl = '/static/dist/assets/'

function fail (message) {
  console.error(`build-assets: ${message}`)
  process.exit(1)
}

for (const pkg of ['govuk-frontend', 'sass']) {
  if (!existsSync(join(modules, pkg, 'package.json'))) {
    fail(`node_modules/${pkg} is missing: run npm ci first`)
  }
}

const { compile, NodePackageImporter } = await import('sass')

/** @type {Map<string, Buffer>} dist-relative path -> contents */
const outputs = new Map()

// 1. Stylesheet. quietDeps hides deprecation warnings raised inside govuk-frontend;
// "import" is silenced because govuk-frontend 5 must be loaded with @import.
let css
try {
  css = compile(join(root, 'frontend', 'hearth.scss'), {
    style: 'compressed',
    importers: [new NodePackageImporter(root)],
    quietDeps: true,
    silenceDeprecations: ['import']
  }).css
} catch (error) {
  fail(`Sass failed\n${error.message}`)
}
outputs.set('hearth.css', Buffer.from(css + '\n'))

// 2. Scripts, copied as published.
const scripts = {
  'govuk-frontend.min.js': join(govuk, 'govuk-frontend.min.js'),
  'govuk-frontend.min.js.map': join(govuk, 'govuk-frontend.min.js.map')
}
for (const [name, source] of Object.entries(scripts)) {
  outputs.set(name, await readSource(source))
}

// 3. Images the CSS refers to (url(/static/dist/assets/…)), from govuk-frontend's assets.
// Fonts are never copied: Hearth does not use GDS Transport.
for (const match of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
  const url = match[1]
  if (url.startsWith('data:')) continue
  if (!url.startsWith(assetsUrl)) fail(`hearth.css refers to ${url}, outside ${assetsUrl}`)
  const path = url.slice(assetsUrl.length).split(/[?#]/)[0]
  if (path.startsWith('fonts/')) fail(`hearth.css refers to a font (${url}); Hearth uses system fonts`)
  outputs.set(join('assets', path), await readSource(join(govuk, 'assets', path)))
}

// Write what changed, then drop anything in dist/ we no longer produce.
for (const [name, contents] of outputs) {
  const target = join(dist, name)
  const previous = existsSync(target) ? await readFile(target) : null
  const unchanged = previous !== null && previous.equals(contents)
  if (!unchanged) {
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, contents)
  }
  const size = `${(contents.length / 1024).toFixed(1)} KiB`
  console.log(`${relative(root, target)}  ${size}${unchanged ? '  (unchanged)' : ''}`)
}
await removeStale(dist)

async function readSource (path) {
  try {
    return await readFile(path)
  } catch {
    return fail(`${relative(root, path)} not found: run npm ci first`)
  }
}

async function removeStale (dir) {
  if (!existsSync(dir)) return
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      await removeStale(path)
      if ((await readdir(path)).length === 0) await rmdir(path)
    } else if (!outputs.has(relative(dist, path))) {
      await rm(path)
      console.log(`${relative(root, path)}  removed (stale)`)
    }
  }
}
