// Starts GOV.UK Frontend's components once the page is parsed (a module script runs deferred).
import { initAll } from "../govuk/govuk-frontend.min.js"

initAll()
