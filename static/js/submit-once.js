// Disable a form's submit button after the first click. The server's idempotency token is what
// really prevents duplicates; this only spares the user a confusing second request.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[data-once]");
  if (button) {
    window.setTimeout(() => { button.disabled = true; }, 0);
  }
});
