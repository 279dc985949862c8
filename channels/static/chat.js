/*
 * The web chat (/): keyboard-only usable, new answers announced through the role="log"
 * region. The session id lives in this closure only (no cookies, no Web Storage), so a
 * reload starts a new conversation and nothing about the resident stays in the browser.
 */
(() => {
  "use strict";

  const core = window.ChatCore;
  const texts = core.readTexts();
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const sendButton = document.getElementById("send");
  const status = document.getElementById("status");
  const topics = document.getElementById("topics");
  const sessionId = core.newSessionId("w");
  let pending = false;

  if (new URLSearchParams(location.search).get("embed") === "1") {
    document.documentElement.classList.add("embedded");
  }

  function setPending(value) {
    pending = value;
    log.setAttribute("aria-busy", value ? "true" : "false");
    sendButton.setAttribute("aria-disabled", value ? "true" : "false");
    status.textContent = value ? texts.sending : "";
  }

  function append(node) {
    log.appendChild(node);
    return node;
  }

  /** Sends `text`; `shown` is what the resident sees they said (a button's title). */
  async function send(text, shown = text) {
    if (pending) return;
    append(core.userMessage(shown, texts));
    setPending(true);
    let firstAnswer = null;
    try {
      const messages = await core.sendChat(sessionId, text);
      for (const message of messages) {
        const { root } = core.botMessage(message, texts, { onButton: send, asLinks: true });
        append(root);
        firstAnswer = firstAnswer || root;
      }
    } catch {
      firstAnswer = append(core.errorMessage(texts.error, texts));
      if (!input.value && shown === text) input.value = text; // easy to try again
    } finally {
      setPending(false);
    }
    if (firstAnswer) firstAnswer.scrollIntoView({ block: "nearest" });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || pending) return;
    input.value = "";
    send(text);
  });

  core
    .fetchTopics()
    .then((list) => {
      for (const topic of list) {
        const button = core.element("button", "topic", topic.title);
        button.type = "button";
        button.addEventListener("click", () => send(topic.payload, topic.title));
        topics.appendChild(button);
      }
      topics.closest("section").hidden = list.length === 0;
    })
    .catch(() => {
      topics.closest("section").hidden = true;
    });
})();
