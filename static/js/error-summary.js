// A form came back with errors: take keyboard and screen reader focus to their summary.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
}
