// Skip rules of the public survey form: a question asked only after a certain answer stays
// hidden, its inputs disabled (so nothing of it is sent), until that answer is chosen.
// Without JavaScript every question shows with a note, and the server applies the rule.
const form = document.querySelector("form[data-survey]");

function chosenValues(name) {
  const inputs = form.querySelectorAll(`input[name="${name}"]`);
  return new Set(Array.from(inputs).filter((input) => input.checked && !input.disabled).map((input) => input.value));
}

function applyRules() {
  // Conditions point to earlier questions, so one pass in page order settles chains too.
  for (const question of form.querySelectorAll("[data-show-if]")) {
    const values = chosenValues(question.dataset.showIf);
    const shown = question.dataset.showIfKeys.split(" ").some((key) => values.has(key));
    question.hidden = !shown;
    for (const input of question.querySelectorAll("input, textarea, select")) {
      input.disabled = !shown;
    }
    const note = question.querySelector("[data-skip-note]");
    if (note) {
      note.hidden = true;
    }
  }
}

if (form) {
  form.addEventListener("change", applyRules);
  applyRules();
}
