// The live count of a survey's results page ([data-survey-count]): after each
// `survey.answered` event, and after a reconnect, the count is read again over HTTP
// (config.countUrl, which asks the policy), so the page ends with the count a reload shows.
// The server sends at most one event per survey every config.hintSeconds, so the count is
// read once more after that window: answers that came without an event are counted too.
// The charts are not redrawn: a notice offers a reload.

import { reloadPage, showNotice } from "./notice.js";

export function startSurvey(socket, config) {
  const counter = document.querySelector("[data-survey-count]");
  if (!counter || !config.countUrl) {
    return;
  }
  const texts = config.texts || {};
  let request = 0;

  async function refreshCount() {
    // Several events at once: only the answer to the latest request counts.
    request += 1;
    const mine = request;
    const response = await fetch(config.countUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok || mine !== request) {
      return;
    }
    const { count } = await response.json();
    if (String(count) !== counter.textContent) {
      counter.textContent = String(count);
      showNotice(texts.surveyAnswered, reloadPage);
    }
  }

  let lastLook = null;
  function onAnswered() {
    refreshCount();
    clearTimeout(lastLook);
    lastLook = setTimeout(refreshCount, ((config.hintSeconds || 0) + 1) * 1000);
  }

  socket.on("survey.answered", onAnswered);
  socket.onReopen(refreshCount);
}
