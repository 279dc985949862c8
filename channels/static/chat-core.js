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

  /**
   * One turn. The server issues the session: the first request goes without one and every
   * later request sends back the id the last answer gave (null: a new conversation).
   */
  async function sendChat(sessionId, text, signal) {
    const body = sessionId ? { session_id: sessionId, text } : { text };
    const data = await postJson("api/chat", body, signal);
    if (!data || !Array.isArray(data.messages)) throw new Error("unexpected response");
    return {
      sessionId: typeof data.session_id === "string" ? data.session_id : null,
      messages: data.messages.filter((m) => m && typeof m.text === "string"),
    };
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

  /** A bubble of one paragraph: what the resident said, or that sending failed. */
  function textMessage(role, speaker, text) {
    const root = messageShell(role, speaker);
    root.appendChild(element("p", "msg-text", text));
    return root;
  }

  function userMessage(text, texts) {
    return textMessage("user", texts.you, text);
  }

  function errorMessage(text, texts) {
    return textMessage("error", texts.bot, text);
  }

  /** A link that opens in a new tab, which screen readers are told about. */
  function newTabLink(url, text, texts) {
    const link = element("a", null, text);
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.appendChild(visuallyHidden(texts.newWindow));
    return link;
  }

  function sourceItem(source, texts, asLinks) {
    const item = element("li");
    const url = asLinks ? httpUrl(source.url) : null;
    if (url) {
      item.appendChild(newTabLink(url, source.title, texts));
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
      p.appendChild(newTabLink(link, texts.details, texts));
      root.appendChild(p);
    }
    return { root, textual };
  }

  /**
   * The conversation both pages run: the form, the log and its status line, topic buttons.
   *
   * `ui` holds the page's log, form, input, send (its submit button) and status elements.
   * Options say what a page does differently; all are optional but `texts`:
   *   asLinks         answers' sources and links as links (default true; false on the kiosk)
   *   scrollBlock     how the first new answer is scrolled into view (default "nearest")
   *   restoreOnError  put a failed question back into an empty input, to try again
   *   onSend()               before the resident's message is shown
   *   onAnswer(answer, message)  after each answer bubble is built ({root, textual})
   *   beforeShow(answers)    awaited before the answers go into the log, in one addition
   *   afterTurn()            after a turn that was not cut short by restart()
   * While a turn is pending the log is aria-busy and the send button aria-disabled (not
   * disabled, so it keeps its focus and stays discoverable); the status line says so.
   */
  function createChat(ui, options) {
    const { texts } = options;
    const scrollBlock = options.scrollBlock || "nearest";
    const hook = (name) => options[name] || (() => {});
    const onSend = hook("onSend");
    const onAnswer = hook("onAnswer");
    const beforeShow = hook("beforeShow");
    const afterTurn = hook("afterTurn");

    let sessionId = null; // issued by the server with the first answer
    let generation = 0; // answers of an earlier conversation are dropped after restart()
    let controller = new AbortController();
    let pending = false;

    function setPending(value) {
      pending = value;
      ui.log.setAttribute("aria-busy", value ? "true" : "false");
      ui.send.setAttribute("aria-disabled", value ? "true" : "false");
      ui.status.textContent = value ? texts.sending : "";
    }

    function answerBubble(message) {
      const answer = botMessage(message, texts, {
        onButton: (payload, title) => send(payload, title),
        asLinks: options.asLinks !== false,
      });
      onAnswer(answer, message);
      return answer;
    }

    /** Sends `text`; `shown` is what the resident sees they said (a button's title). */
    async function send(text, shown = text) {
      if (pending) return;
      const turn = generation;
      onSend();
      ui.log.appendChild(userMessage(shown, texts));
      setPending(true);
      let first = null;
      try {
        const reply = await sendChat(sessionId, text, controller.signal);
        if (turn !== generation) return;
        sessionId = reply.sessionId;
        const messages = reply.messages;
        const answers = messages.map(answerBubble);
        await beforeShow(answers);
        if (turn !== generation) return;
        for (const { root } of answers) ui.log.appendChild(root);
        first = answers.length ? answers[0].root : null;
      } catch {
        if (turn !== generation) return;
        first = ui.log.appendChild(errorMessage(texts.error, texts));
        if (options.restoreOnError && !ui.input.value && shown === text) ui.input.value = text;
      } finally {
        if (turn === generation) setPending(false);
      }
      afterTurn();
      if (first) first.scrollIntoView({ block: scrollBlock });
    }

    /** A new conversation: the server issues a new session, the open request is cancelled,
     *  log and input are empty. */
    function restart() {
      generation += 1;
      controller.abort();
      controller = new AbortController();
      sessionId = null;
      setPending(false);
      ui.log.replaceChildren();
      ui.input.value = "";
    }

    /** Fills `container` with a button per main topic; resolves to the buttons. */
    async function loadTopics(container, className) {
      const topics = await fetchTopics();
      return topics.map((topic) => {
        const button = element("button", className, topic.title);
        button.type = "button";
        button.addEventListener("click", () => send(topic.payload, topic.title));
        return container.appendChild(button);
      });
    }

    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = ui.input.value.trim();
      if (!text || pending) return;
      ui.input.value = "";
      send(text);
    });

    return Object.freeze({
      send,
      restart,
      loadTopics,
      get pending() {
        return pending;
      },
      /** How many times restart() ran: work begun before a restart checks it to stop. */
      get generation() {
        return generation;
      },
    });
  }

  window.ChatCore = Object.freeze({
    readTexts,
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
    createChat,
  });
})();
