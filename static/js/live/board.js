// The idea board of a workshop ([data-idea-board]): a changed card is fetched alone
// (rendered for this viewer) and put into its group; the whole board only after a
// reconnect, when nothing else tells what was missed. A card someone is typing into is left
// alone until they leave it.

import { fetchFragment, insertInOrder, keyBefore } from "./fragments.js";
import { showNotice } from "./notice.js";
import { interpolate } from "./texts.js";

// Idea cards within a group as the board renders them: oldest first.
const cardKey = (card) => [
  Date.parse(card.querySelector("time[datetime]")?.dateTime),
  Number(card.id.replace(/^idee-/, "")),
];
const cardBefore = (a, b) => keyBefore(cardKey(a), cardKey(b));

// Looked up each time: a refresh replaces the whole board.
const board = () => document.querySelector("[data-idea-board]");

function updateGroupCounts() {
  board()?.querySelectorAll(".idea-group").forEach((section) => {
    const count = section.querySelectorAll(".idea-card").length;
    if (count === 0) {
      section.remove();
    } else {
      section.querySelector("[data-count]").textContent = `(${count})`;
    }
  });
}

// A new group is built the way the server renders one: groups in name order, cards not yet
// grouped ("") first, its name offered in the group field's suggestions.
function createGroup(current, sections, name, ungroupedLabel) {
  const section = document.createElement("section");
  section.className = "idea-group";
  section.dataset.group = name;
  const heading = document.createElement("h3");
  heading.id = `idea-group-new-${Date.now()}-${sections.length}`;
  heading.textContent = `${name || ungroupedLabel} `;
  const count = document.createElement("span");
  count.className = "meta";
  count.dataset.count = "";
  heading.append(count);
  section.setAttribute("aria-labelledby", heading.id);
  const list = document.createElement("ul");
  list.className = "idea-cards";
  section.append(heading, list);
  const next = sections.find((candidate) => candidate.dataset.group > name);
  current.insertBefore(section, next || current.querySelector("datalist"));
  current.querySelector(":scope > .empty")?.remove();
  if (name) {
    const option = document.createElement("option");
    option.value = name;
    current.querySelector("datalist")?.append(option);
  }
  return section;
}

export function startBoard(socket, config) {
  const texts = config.texts || {};
  const cardRequests = new Map();
  let boardStale = false;

  async function refreshBoard() {
    const current = board();
    if (!current || !config.boardUrl) {
      return;
    }
    if (current.contains(document.activeElement)) {
      boardStale = true;
      return;
    }
    boardStale = false;
    const fresh = await fetchFragment(config.boardUrl);
    if (fresh && board()) {
      board().replaceWith(fresh);
    }
  }

  function groupList(name) {
    const current = board();
    const sections = [...current.querySelectorAll(".idea-group")];
    const section = sections.find((candidate) => candidate.dataset.group === name)
      ?? createGroup(current, sections, name, texts.ungrouped);
    return section.querySelector(".idea-cards");
  }

  async function onIdeaChanged(payload) {
    if (!board() || !config.cardUrl) {
      return;
    }
    const existing = document.getElementById(`idee-${payload.card_id}`);
    if (existing?.contains(document.activeElement)) {
      boardStale = true;
      return;
    }
    // Two quick changes of one card: only the answer to the latest request counts.
    const request = (cardRequests.get(payload.card_id) || 0) + 1;
    cardRequests.set(payload.card_id, request);
    const fresh = payload.change === "removed"
      ? null
      : await fetchFragment(interpolate(config.cardUrl, { id: payload.card_id }));
    if (cardRequests.get(payload.card_id) !== request || !board()) {
      return;
    }
    document.getElementById(`idee-${payload.card_id}`)?.remove();
    if (fresh) {
      insertInOrder(groupList(fresh.dataset.group), fresh, cardBefore);
    }
    updateGroupCounts();
    if (!board().querySelector(".idea-card")) {
      refreshBoard(); // the server's "no cards yet" text
    }
    showNotice(texts.ideasUpdated);
  }

  socket.on("idea.changed", onIdeaChanged);
  // The workshop stream has no positions to resume from: after a drop, the whole board.
  socket.onReopen(refreshBoard);
  document.addEventListener("focusout", () => {
    // After the focus has moved on, so activeElement is the new target.
    setTimeout(() => {
      if (boardStale) {
        refreshBoard();
      }
    }, 0);
  });
}
