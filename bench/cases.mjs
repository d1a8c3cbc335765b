#!/usr/bin/env node
// Benchmarks the case record against a running Hearth with national demo data.
//
//   hearth demo --scale national && hearth serve            (release build, SQLite)
//   HEARTH_TOKEN=$(hearth token create --email demo.team-manager@hearth.example) node bench/cases.mjs
//
// Measures, with 16 requests in flight: the case overview page (signed in with MFA as the demo
// team manager), GET /api/v1/cases/{id}/chronology, GET /api/v1/search, and durable note appends
// (each a transaction with its audit event). Prints p50/p99 and throughput. Only ever talks to
// HEARTH_BASE_URL (default http://127.0.0.1:8080), and stops after a fixed number of requests.

import { totp, DEMO_PASSWORD, DEMO_TOTP_SECRET, ACCOUNTS } from '../tests/browser/lib.mjs'

const base = (process.env.HEARTH_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '')
const token = process.env.HEARTH_TOKEN
if (!token) throw new Error('set HEARTH_TOKEN to a bearer token from `hearth token create`')
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16)
const REQUESTS = Number(process.env.BENCH_REQUESTS || 2000)
const api = { authorization: `Bearer ${token}` }

// ---- A signed-in browser session, for the HTML page ----
function cookiesFrom(res, jar) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';')
    const [k, v] = pair.split('=')
    jar[k] = v
  }
}
const cookieHeader = (jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ')

async function signIn(email) {
  const jar = {}
  cookiesFrom(await fetch(`${base}/sign-in`), jar)
  const form = (o) => new URLSearchParams({ csrf_token: jar.hearth_csrf, ...o })
  let res = await fetch(`${base}/sign-in`, { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(jar) }, body: form({ email, password: DEMO_PASSWORD }) })
  cookiesFrom(res, jar)
  res = await fetch(`${base}/mfa`, { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(jar) }, body: form({ code: totp(DEMO_TOTP_SECRET) }) })
  cookiesFrom(res, jar)
  if (res.status !== 303) throw new Error(`MFA sign-in failed: ${res.status}`)
  return cookieHeader(jar)
}

async function run(label, count, make) {
  const times = []
  let next = 0
  let failures = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      const i = next++
      const t = performance.now()
      const res = await make(i)
      await res.arrayBuffer()
      if (!res.ok) failures++
      times.push(performance.now() - t)
    }
  }))
  const seconds = (performance.now() - started) / 1000
  times.sort((a, b) => a - b)
  const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1)
  console.log(`${label.padEnd(44)} n=${count} p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  ${(count / seconds).toFixed(0)}/s  failures ${failures}`)
}

const cases = await (await fetch(`${base}/api/v1/cases?per_page=100`, { headers: api })).json()
if (!cases.items?.length) throw new Error('no cases visible to the token owner: load national demo data first')
const ids = cases.items.map((c) => c.id)
const names = ['isabella', 'mahmud', 'jack thompson', 'oliver', 'HRT-2026-000100', '04/05/2019', 'attendance improved', 'smith', 'grace', 'tompson']
const cookie = await signIn(ACCOUNTS.teamManager)

await run('case overview page (HTML)', REQUESTS, (i) => fetch(`${base}/cases/${ids[i % ids.length]}`, { headers: { cookie } }))
await run('GET /api/v1/cases/{id}/chronology', REQUESTS, (i) => fetch(`${base}/api/v1/cases/${ids[i % ids.length]}/chronology`, { headers: api }))
await run('GET /api/v1/search', REQUESTS, (i) => fetch(`${base}/api/v1/search?q=${encodeURIComponent(names[i % names.length])}`, { headers: api }))
await run('POST /api/v1/cases/{id}/notes (durable)', REQUESTS, (i) => fetch(`${base}/api/v1/cases/${ids[i % ids.length]}/notes`, {
  method: 'POST',
  headers: { ...api, 'content-type': 'application/json' },
  body: JSON.stringify({ kind: 'contact_log', occurred_on: new Date().toISOString().slice(0, 10), summary: `Benchmark note ${i}`, body: 'Written by bench/cases.mjs.' }),
}))
