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
