/*
 * The web chat (/): keyboard-only usable, new answers announced through the role="log"
 * region. The session id lives in chat-core's closure only (no cookies, no Web Storage), so
 * a reload starts a new conversation and nothing about the resident stays in the browser.
 */
(() => {
  "use strict";

  const core = window.ChatCore;
  const $ = (id) => document.getElementById(id);

  if (new URLSearchParams(location.search).get("embed") === "1") {
    document.documentElement.classList.add("embedded");
  }

  const chat = core.createChat(
    { log: $("log"), form: $("form"), input: $("text"), send: $("send"), status: $("status") },
    { texts: core.readTexts(), restoreOnError: true },
  );

  const topics = $("topics");
  chat
    .loadTopics(topics, "topic")
    .then((buttons) => {
      topics.closest("section").hidden = buttons.length === 0;
    })
    .catch(() => {
      topics.closest("section").hidden = true;
    });
})();
