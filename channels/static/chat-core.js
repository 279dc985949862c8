/*
 * Shared by the web chat (chat.js) and the kiosk (kiosk.js).
 *
 * Safety rule of both pages: text from the bot or the resident is only ever put into the
 * page with textContent / createTextNode, never parsed as HTML, and links are only made
 * from absolute http(s) URLs. The Japanese wording lives in each page's #ui-texts block,
 * so nothing here needs translating.
 */
(() => {
  "use strict";

  const REQUEST_TIMEOUT_MS = 30000;

  /** The page's texts (JSON in <script type="application/json" id="ui-texts">). */
  function readTexts() {
    const node = document.getElementById("ui-texts");
    return node ? JSON.parse(node.textContent) : {};
  }

  /** A fresh random id; crypto.getRandomValues also works on plain-http intranet kiosks. */
  function newSessionId(prefix) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** The URL if it is an absolute http(s) URL, else null (no javascript:, data:, ...). */
  function httpUrl(value) {
    if (typeof value !== "string" || value === "") return null;
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch {
      return null;
    }
  }

  /** The link a resident can continue with: the answer's own link, else its first source. */
  function continueUrl(message) {
    const candidates = [message.link, ...(message.sources || []).map((s) => s && s.url)];
    for (const candidate of candidates) {
      const url = httpUrl(candidate);
      if (url) return url;
    }
    return null;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function visuallyHidden(text) {
    return element("span", "visually-hidden", text);
  }

  /** Relative URLs, so the app also works behind a path prefix (https://city.example/chat/). */
  async function postJson(path, body, signal) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    const abort = () => controller.abort();
    if (signal) signal.addEventListener("abort", abort, { once: true });
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      return await response.json();
    } finally {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", abort);
    }
  }

  async function sendChat(sessionId, text, signal) {
    const data = await postJson("api/chat", { session_id: sessionId, text }, signal);
    if (!data || !Array.isArray(data.messages)) throw new Error("unexpected response");
    return data.messages.filter((m) => m && typeof m.text === "string");
  }

  async function fetchTopics() {
    const response = await fetch("api/topics", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const topics = await response.json();
    return Array.isArray(topics) ? topics.filter((t) => t && t.title && t.payload) : [];
  }

  /** One message bubble; the speaker is said in words for screen readers. */
  function messageShell(role, speaker) {
    const root = element("div", "msg msg-" + role);
    root.appendChild(visuallyHidden(speaker + "："));
    return root;
  }

  function userMessage(text, texts) {
    const root = messageShell("user", texts.you);
    root.appendChild(element("p", "msg-text", text));
    return root;
  }

  function errorMessage(text, texts) {
    const root = messageShell("error", texts.bot);
    root.appendChild(element("p", "msg-text", text));
    return root;
  }

  function sourceItem(source, texts, asLinks) {
    const item = element("li");
    const url = asLinks ? httpUrl(source.url) : null;
    if (url) {
      const link = element("a", null, source.title);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(visuallyHidden(texts.newWindow));
      item.appendChild(link);
    } else {
      item.appendChild(element("span", "source-title", source.title));
    }
    if (source.date) item.appendChild(element("span", "source-date", "（" + source.date + "）"));
    return item;
  }

  /**
   * A bot answer: text, steps as an ordered list, buttons that send their payload, sources
   * (links on the web, plain titles on the kiosk where leaving the page strands the user).
   * Returns the bubble plus the elements whose text may get furigana.
   */
  function botMessage(message, texts, options) {
    const asLinks = options.asLinks !== false;
    const root = messageShell("bot", texts.bot);
    const textual = [];
    const body = element("p", "msg-text", message.text);
    root.appendChild(body);
    textual.push(body);

    const steps = (message.steps || []).filter((s) => typeof s === "string" && s);
    if (steps.length) {
      root.appendChild(element("p", "msg-label", texts.steps));
      const list = element("ol", "msg-steps");
      for (const step of steps) {
        const item = element("li", null, step);
        list.appendChild(item);
        textual.push(item);
      }
      root.appendChild(list);
    }

    const buttons = (message.buttons || []).filter((b) => b && b.title && b.payload);
    if (buttons.length) {
      const group = element("div", "msg-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", texts.choices);
      for (const b of buttons) {
        const button = element("button", "choice", b.title);
        button.type = "button";
        button.addEventListener("click", () => options.onButton(b.payload, b.title));
        group.appendChild(button);
        textual.push(button);
      }
      root.appendChild(group);
    }

    const sources = (message.sources || []).filter((s) => s && s.title);
    if (sources.length) {
      const box = element("div", "msg-sources");
      box.appendChild(element("p", "msg-label", texts.sources));
      const list = element("ul");
      for (const source of sources) list.appendChild(sourceItem(source, texts, asLinks));
      box.appendChild(list);
      root.appendChild(box);
      textual.push(...box.querySelectorAll(".source-title"));
    }

    const link = httpUrl(message.link);
    if (link && asLinks) {
      const p = element("p", "msg-link");
      const a = element("a", null, texts.details);
      a.href = link;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(visuallyHidden(texts.newWindow));
      p.appendChild(a);
      root.appendChild(p);
    }
    return { root, textual };
  }

  window.ChatCore = Object.freeze({
    readTexts,
    newSessionId,
    httpUrl,
    continueUrl,
    element,
    visuallyHidden,
    postJson,
    sendChat,
    fetchTopics,
    userMessage,
    errorMessage,
    botMessage,
  });
})();
