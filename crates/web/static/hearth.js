// Starts GOV.UK Frontend's component JavaScript.
// Loaded by every page as <script type="module" src="/static/hearth.js" nonce="…">.
import { initAll } from './dist/govuk-frontend.min.js'

// GOV.UK Frontend only runs when <body> has `govuk-frontend-supported`. Its page
// template adds that class with an inline <script>, which our CSP forbids, so we
// add it here. Any browser running this module supports ES modules, which is the
// test the inline snippet makes ('noModule' in HTMLScriptElement.prototype).
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()

// Content swapped in by htmx needs its components started too. Scope to the
// parent so an element that is itself a component (hx-swap="outerHTML") is
// found; components already started report InitError, which we ignore.
document.addEventListener('htmx:load', (event) => {
  const scope = event.detail.elt.parentElement
  if (!scope || event.detail.elt === document.body) return
  initAll({
    scope,
    onError (error) {
      if (error.name !== 'InitError') console.error(error)
    }
  })
})

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
