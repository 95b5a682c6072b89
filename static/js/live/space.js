// The space page's topic list ([data-topic-list]): a topic with new activity moves to where
// a reload would list it, with its reply count, time and last poster, marked unread. A topic
// the page does not show yet is announced, with a reload as the way to see it.

import { insertInOrder, keyBefore } from "./fragments.js";
import { addUnseen, reloadPage, showNotice } from "./notice.js";

// Topic rows as the space page lists them: pinned first, then latest activity, then newest.
const topicKey = (row) => [
  Number(row.dataset.pinned), Date.parse(row.dataset.activityAt), Number(row.dataset.topicId),
];
const topicBefore = (a, b) => keyBefore(topicKey(a), topicKey(b), true);

export function startSpace(socket, config) {
  const texts = config.texts || {};
  const topicList = document.querySelector("[data-topic-list]");

  function describeActivity(row, payload) {
    const activity = row.querySelector("[data-activity]");
    if (!activity) {
      return;
    }
    const label = payload.reply_count === 1 ? texts.reply : texts.replies;
    // Worded as the server renders it (forum/templatetags/dates.py): the activity is from now.
    const when = document.createElement("time");
    when.dateTime = payload.last_activity_at;
    when.textContent = texts.now;
    activity.replaceChildren(
      `${payload.reply_count} ${label} · ${texts.last} `, when, ` ${texts.by} ${payload.last_poster}`,
    );
  }

  function markUnread(row) {
    if (row.classList.contains("is-unread")) {
      return;
    }
    row.classList.add("is-unread");
    const badge = document.createElement("span");
    badge.className = "badge badge-unread";
    badge.textContent = texts.new;
    row.querySelector(".topic-title")?.after(" ", badge);
    addUnseen();
  }

  function onTopicActivity(payload) {
    const row = topicList?.querySelector(`[data-topic-id="${payload.topic_id}"]`);
    if (!row) {
      addUnseen();
      showNotice(texts.newTopics, reloadPage);
      return;
    }
    row.dataset.activityAt = payload.last_activity_at;
    insertInOrder(topicList, row, topicBefore);
    describeActivity(row, payload);
    markUnread(row);
  }

  socket.on("topic.created", onTopicActivity);
  socket.on("topic.activity", onTopicActivity);
}
