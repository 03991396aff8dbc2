// The import progress page, with JavaScript: the bar and its label follow the import as it runs, and when it
// ends a status message offers the result. Without JavaScript the page has a "Check progress" button; it never
// reloads itself (WCAG 2.2.1: no timed refresh).
const POLL_MILLISECONDS = 2000

for (const box of document.querySelectorAll('[data-module="app-import-progress"]')) {
  const bar = box.querySelector("progress")
  const label = box.querySelector("[data-progress-label]")
  const status = box.querySelector("[data-progress-status]")

  async function poll () {
    let found
    try {
      const answer = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      if (!answer.ok) return
      found = await answer.json()
    } catch {
      return // the button still works
    }
    if (found.rows_total) {
      bar.max = found.rows_total
      bar.value = Math.min(found.rows_done, found.rows_total)
      label.textContent = `${found.rows_done} of ${found.rows_total} rows`
    } else {
      label.textContent = `${found.rows_done} rows so far`
    }
    if (["checking", "importing"].includes(found.status)) {
      window.setTimeout(poll, POLL_MILLISECONDS)
      return
    }
    status.textContent = found.status === "done" ? "Finished. " : "The check or the import has ended. "
    const link = document.createElement("a")
    link.className = "govuk-link"
    link.href = window.location.pathname
    link.textContent = "See the result"
    status.append(link)
  }

  window.setTimeout(poll, POLL_MILLISECONDS)
}
