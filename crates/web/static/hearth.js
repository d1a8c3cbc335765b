// Starts GOV.UK Frontend's component JavaScript.
// Loaded by every page as <script type="module" src="/static/hearth.js" nonce="…">.
import { initAll } from './dist/govuk-frontend.min.js'

// GOV.UK Frontend only runs when <body> has `govuk-frontend-supported`. Its page
// template adds that class with an inline <script>, which our CSP forbids, so we
// add it here. Any browser running this module supports ES modules, which is the
// test the inline snippet makes ('noModule' in HTMLScriptElement.prototype).
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()

// Conditional reveal: a choice marked data-hearth-reveals shows the fields it names only while
// it is checked. GOV.UK Frontend's own version marks each radio aria-expanded, which is not
// allowed on a radio; this does the same showing and hiding without it.
for (const choice of document.querySelectorAll('input[data-hearth-reveals]')) {
  const kind = choice.type === 'radio' ? 'radios' : 'checkboxes'
  const group = () => document.querySelectorAll(`input[name="${CSS.escape(choice.name)}"][data-hearth-reveals]`)
  const sync = () => {
    for (const c of group()) document.getElementById(c.dataset.hearthReveals)?.classList.toggle(`govuk-${kind}__conditional--hidden`, !c.checked)
  }
  for (const c of document.querySelectorAll(`input[name="${CSS.escape(choice.name)}"]`)) c.addEventListener('change', sync)
  sync()
}

// Dictation: where the browser offers speech recognition, a button beside each note field
// appends what is said. Without it (or without JavaScript) the field is an ordinary textarea.
const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition
if (Recognition) {
  for (const field of document.querySelectorAll('textarea[data-dictation]')) {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'govuk-button govuk-button--secondary hearth-dictate'
    button.textContent = 'Dictate'
    button.setAttribute('aria-pressed', 'false')
    let listening = null
    button.addEventListener('click', () => {
      if (listening) { listening.stop(); return }
      const r = new Recognition()
      r.lang = 'en-GB'
      r.continuous = true
      r.onresult = (event) => {
        for (let i = event.resultIndex; i < event.results.length; i++) {
          if (event.results[i].isFinal) {
            const words = event.results[i][0].transcript.trim()
            field.value = field.value ? `${field.value.replace(/\s+$/, '')} ${words}` : words
          }
        }
      }
      r.onend = () => { listening = null; button.textContent = 'Dictate'; button.setAttribute('aria-pressed', 'false') }
      r.start()
      listening = r
      button.textContent = 'Stop dictating'
      button.setAttribute('aria-pressed', 'true')
    })
    field.insertAdjacentElement('afterend', button)
  }
}

// Court-corridor drafts: a form marked data-draft-key keeps what is typed in this tab
// (sessionStorage, so it is gone when the tab closes). With no signal, sending is held and the
// person is told; the form is sent by itself when the connection comes back.
for (const form of document.querySelectorAll('form[data-draft-key]')) {
  const key = `hearth-draft:${form.dataset.draftKey}`
  const status = form.querySelector('.hearth-draft-status')
  const fields = () => [...form.elements].filter((el) => el.name && el.name !== 'csrf_token' && el.type !== 'hidden' && el.type !== 'file')
  const save = () => {
    const values = {}
    for (const el of fields()) {
      if (el.type === 'radio' || el.type === 'checkbox') { if (el.checked) values[el.name] = el.value } else values[el.name] = el.value
    }
    sessionStorage.setItem(key, JSON.stringify(values))
  }
  const saved = sessionStorage.getItem(key)
  const hasErrors = document.querySelector('.govuk-error-summary')
  if (saved && !hasErrors) {
    const values = JSON.parse(saved)
    for (const el of fields()) {
      if (!(el.name in values)) continue
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = el.value === values[el.name]
      else el.value = values[el.name]
    }
    if (status) status.innerHTML = '<p class="govuk-body govuk-!-font-weight-bold">Your unsent draft has been put back.</p>'
  }
  form.addEventListener('input', save)
  form.addEventListener('change', save)
  form.addEventListener('submit', (event) => {
    if (navigator.onLine) { sessionStorage.removeItem(key); return }
    event.preventDefault()
    save()
    if (status) {
      status.innerHTML = '<div class="govuk-inset-text">There is no signal. Your note is kept on this device and will be sent as soon as you are back online. Keep this page open.</div>'
    }
    window.addEventListener('online', () => form.requestSubmit(), { once: true })
  })
}

// Court work: live word counts, and the draft saved through the API a few seconds after typing
// stops. Each save carries the version it was based on, so a page left open while the draft was
// saved elsewhere is refused (412) and the writer told; nothing is ever overwritten silently.
// Without JavaScript the "Save draft" button does the same by an ordinary form post.
const countWords = (text) => text.split(/[^\p{L}\p{N}'’-]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length
for (const form of document.querySelectorAll('form[data-autosave]')) {
  const status = form.querySelector('.hearth-autosave-status')
  const version = form.querySelector('input[name="version"]')
  const csrf = form.querySelector('input[name="csrf_token"]').value
  const total = form.querySelector('.hearth-total-words')
  const areas = [...form.querySelectorAll('textarea[data-word-count]')]
  const recount = () => {
    let sum = 0
    for (const area of areas) {
      const n = countWords(area.value)
      sum += n
      const out = document.getElementById(`${area.id}-words`)
      if (out) out.textContent = `${n} ${n === 1 ? 'word' : 'words'}`
    }
    if (total) total.textContent = String(sum)
  }
  let timer = null
  let saving = false
  let dirty = false
  let stopped = false
  let held = null
  const save = async () => {
    if (saving || stopped || !navigator.onLine) return
    saving = true
    dirty = false
    const sections = {}
    for (const area of areas) sections[area.name.replace(/^section-/, '')] = area.value
    try {
      const res = await fetch(form.dataset.autosave, {
        method: 'PATCH',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'if-match': `"${version.value}"`, 'x-csrf-token': csrf },
        body: JSON.stringify({ sections })
      })
      if (res.ok) {
        const work = await res.json()
        version.value = String(work.version)
        const now = new Date()
        status.textContent = `Draft saved at ${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`
      } else if (res.status === 412) {
        stopped = true
        status.textContent = 'This draft was saved somewhere else after you opened it, so saving as you type has stopped. Nothing is lost: choose "Save draft" to compare the two versions.'
      } else {
        const problem = await res.json().catch(() => ({}))
        status.textContent = `Not saved: ${(problem.errors && problem.errors[0] && problem.errors[0].message) || problem.detail || problem.title || 'try "Save draft"'}`
      }
    } catch {
      dirty = true
      status.textContent = 'Not saved yet: there is no connection. Hearth will save it when the connection is back.'
    }
    saving = false
    if (held) {
      const submitter = held
      held = null
      form.requestSubmit(submitter)
    } else if (dirty) {
      schedule()
    }
  }
  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(save, 3000)
  }
  form.addEventListener('input', () => {
    recount()
    dirty = true
    schedule()
  })
  // A button pressed while a save is on its way waits for it, so the form carries the new version.
  form.addEventListener('submit', (event) => {
    clearTimeout(timer)
    if (saving) {
      event.preventDefault()
      held = event.submitter
    }
  })
  window.addEventListener('online', () => { if (dirty) save() })
}

// Live: a part of the page marked data-live="room:ID", "thread:ID" or "chat:ID" is fetched
// again when the live events stream (/api/v1/events) says something new is there, and swapped
// in place; a polite status line says so for screen readers. Without JavaScript, or if the stream
// drops, the page shows the same on reload. The browser reconnects a dropped stream itself.
const liveParts = [...document.querySelectorAll('[data-live]')]
if (liveParts.length > 0 && 'EventSource' in window) {
  const status = document.createElement('div')
  status.className = 'govuk-visually-hidden'
  status.setAttribute('role', 'status')
  document.querySelector('main')?.append(status)
  let fetching = null
  const refresh = (parts, words) => {
    if (fetching) return
    fetching = fetch(location.pathname + location.search, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then((res) => (res.ok ? res.text() : null))
      .then((html) => {
        if (!html) return
        const fresh = new DOMParser().parseFromString(html, 'text/html')
        for (const part of parts) {
          const next = fresh.getElementById(part.id)
          if (next) part.replaceWith(next)
        }
        status.textContent = words
      })
      .catch(() => {})
      .finally(() => { fetching = null })
  }
  const matching = (kind, id) => liveParts.map((p) => document.getElementById(p.id)).filter((p) => p && p.dataset.live === `${kind}:${id}`)
  const stream = new EventSource('/api/v1/events')
  stream.addEventListener('room_post', (e) => {
    const ev = JSON.parse(e.data)
    const parts = [...matching('room', ev.room_id), ...matching('thread', ev.thread_id)]
    if (parts.length > 0) refresh(parts, 'New posts are shown.')
  })
  stream.addEventListener('chat_message', (e) => {
    const parts = matching('chat', JSON.parse(e.data).conversation_id)
    if (parts.length > 0) refresh(parts, 'A new message is shown.')
  })
  stream.addEventListener('refresh', () => refresh(liveParts.map((p) => document.getElementById(p.id)).filter(Boolean), 'The page is up to date.'))
  window.addEventListener('pagehide', () => stream.close())
}
