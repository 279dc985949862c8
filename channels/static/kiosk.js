/*
 * The library kiosk (/kiosk): one shared terminal, many residents.
 *
 * - Furigana: readings come from POST api/furigana as [{text, reading?}] and are drawn as
 *   <ruby> with DOM APIs (bot text never becomes HTML). The toggle re-draws from the
 *   original text, so nothing is lost when switching.
 * - Read-aloud (speechSynthesis) and voice input (SpeechRecognition) only appear when the
 *   browser has them.
 * - Privacy: after `idle` seconds without a touch or key a dialog asks 「続ける」; without an
 *   answer within `warn` seconds everything is reset: transcript, input, session id, and any
 *   cookies or Web Storage of this origin. Both can be shortened for tests: ?idle=3&warn=2.
 * - Other query parameters: ?furigana=0 starts with furigana off; ?voice=0 hides voice input
 *   (Chrome sends the audio to a cloud service, which some municipalities do not allow).
 */
(() => {
  "use strict";

  const core = window.ChatCore;
  const texts = core.readTexts();
  const params = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);

  const ui = {
    title: $("title"),
    main: $("main"),
    start: $("start"),
    topics: $("topics"),
    log: $("log"),
    status: $("status"),
    form: $("form"),
    input: $("text"),
    send: $("send"),
    voice: $("voice"),
    restart: $("restart"),
    furigana: $("furigana-toggle"),
    dialog: $("idle-dialog"),
    seconds: $("idle-seconds"),
    keepGoing: $("idle-continue"),
    end: $("idle-end"),
  };

  function intParam(name, fallback, min, max) {
    const value = Number.parseInt(params.get(name) || "", 10);
    return Number.isFinite(value) && value >= min && value <= max ? value : fallback;
  }

  // WCAG 2.2.1: at least 20 seconds to answer the warning; 30 by default.
  const IDLE_SECONDS = intParam("idle", 120, 1, 3600);
  const WARN_SECONDS = intParam("warn", 30, 1, 600);
  const FURIGANA_DEFAULT = params.get("furigana") !== "0";
  const VOICE_ALLOWED = params.get("voice") !== "0";

  const state = {
    furigana: FURIGANA_DEFAULT,
    readings: new Map(), // text -> Promise of parts; cleared on reset
  };

  /* ---------- furigana ---------- */

  const originals = new WeakMap(); // element -> its plain text
  const furiganaTargets = new Set();

  function registerFurigana(node) {
    originals.set(node, node.textContent);
    furiganaTargets.add(node);
  }

  function readingsOf(text) {
    if (!state.readings.has(text)) {
      const request = core.postJson("api/furigana", { text }).catch(() => null);
      state.readings.set(text, request);
    }
    return state.readings.get(text);
  }

  function drawPlain(node) {
    node.textContent = originals.get(node);
  }

  /**
   * Draws parts as ruby; falls back to plain text unless they spell the original exactly.
   * The readings are aria-hidden, so the accessible name (also of buttons) is the plain
   * text from the content itself, and no aria-label is needed (WCAG 2.5.3 Label in Name).
   */
  function drawRuby(node, parts) {
    const text = originals.get(node);
    const valid =
      Array.isArray(parts) &&
      parts.every((p) => p && typeof p.text === "string") &&
      parts.map((p) => p.text).join("") === text;
    if (!valid) return drawPlain(node);
    const children = parts.map((part) => {
      if (!part.reading) return document.createTextNode(part.text);
      const ruby = document.createElement("ruby");
      ruby.appendChild(document.createTextNode(part.text));
      const rt = document.createElement("rt");
      rt.textContent = String(part.reading);
      rt.setAttribute("aria-hidden", "true"); // screen readers read the word once
      ruby.appendChild(rt);
      return ruby;
    });
    node.replaceChildren(...children);
  }

  async function applyFurigana(nodes) {
    const generation = chat.generation; // readings that arrive after a reset are dropped
    await Promise.all(
      nodes.map(async (node) => {
        if (!state.furigana) return drawPlain(node);
        const parts = await readingsOf(originals.get(node));
        if (generation !== chat.generation) return;
        if (state.furigana) drawRuby(node, parts);
        else drawPlain(node);
      }),
    );
  }

  function setFurigana(on) {
    state.furigana = on;
    ui.furigana.setAttribute("aria-pressed", on ? "true" : "false");
    ui.furigana.querySelector(".k-state").textContent = on ? texts.furiganaOn : texts.furiganaOff;
    for (const node of furiganaTargets) if (!node.isConnected) furiganaTargets.delete(node);
    return applyFurigana([...furiganaTargets]);
  }

  /* ---------- read-aloud ---------- */

  const speech = Boolean(window.speechSynthesis && window.SpeechSynthesisUtterance);
  let speakingButton = null;

  function stopSpeaking() {
    if (!speech) return;
    window.speechSynthesis.cancel();
    if (speakingButton) speakingButton.textContent = texts.readAloud;
    speakingButton = null;
  }

  function japaneseVoice() {
    return window.speechSynthesis.getVoices().find((v) => /^ja(-|_|$)/i.test(v.lang)) || null;
  }

  /**
   * Speaks sentence by sentence: Chrome stops long single utterances after about 15 s.
   * Pressing the same button again stops.
   */
  function speak(text, button) {
    const wasThis = speakingButton === button;
    stopSpeaking();
    if (wasThis) return;
    const sentences = text.split(/(?<=[。！？!?\n])/).filter((s) => s.trim());
    const voice = japaneseVoice();
    speakingButton = button;
    button.textContent = texts.stopReading;
    sentences.forEach((sentence, index) => {
      const utterance = new SpeechSynthesisUtterance(sentence);
      utterance.lang = "ja-JP";
      utterance.rate = 0.9; // a little slower than default, for elderly listeners
      if (voice) utterance.voice = voice;
      if (index === sentences.length - 1) {
        utterance.onend = () => {
          if (speakingButton === button) stopSpeaking();
          restartIdleTimer();
        };
      }
      utterance.onerror = () => {
        if (speakingButton === button) stopSpeaking();
      };
      window.speechSynthesis.speak(utterance);
    });
  }

  function spokenText(message) {
    const steps = (message.steps || []).map((s, i) => `${i + 1}、${s}`);
    return [message.text, ...steps].join("\n");
  }

  /* ---------- messages ---------- */

  function qrFigure(url) {
    const figure = core.element("figure", "k-qr");
    const img = document.createElement("img");
    img.src = "api/qr?url=" + encodeURIComponent(url);
    img.alt = texts.qrAlt;
    img.width = 240;
    img.height = 240;
    figure.appendChild(img);
    figure.appendChild(core.element("figcaption", null, texts.qrCaption));
    return figure;
  }

  /** What the kiosk adds to an answer: read-aloud, a QR code of its link, furigana. */
  function decorateAnswer({ root, textual }, message) {
    const tools = core.element("div", "k-msg-tools");
    if (speech) {
      const read = core.element("button", "k-read", texts.readAloud);
      read.type = "button";
      read.addEventListener("click", () => speak(spokenText(message), read));
      tools.appendChild(read);
    }
    if (tools.childElementCount) root.appendChild(tools);
    const url = core.continueUrl(message);
    if (url) root.appendChild(qrFigure(url));
    for (const node of textual) registerFurigana(node);
  }

  /** Hides the topics; focus that was on them goes somewhere sensible, not to <body>. */
  function leaveStartScreen() {
    if (ui.start.hidden) return;
    const focused = ui.start.contains(document.activeElement) ? document.activeElement : null;
    const byKeyboard = focused !== null && focused.matches(":focus-visible");
    ui.start.hidden = true;
    if (!focused) return;
    // Keyboard users continue typing; a touch must not pop up the on-screen keyboard.
    if (byKeyboard) ui.input.focus();
    else ui.title.focus();
  }

  const chat = core.createChat(ui, {
    texts,
    asLinks: false, // leaving the kiosk page would strand the next resident
    scrollBlock: "start",
    onSend: leaveStartScreen,
    onAnswer: decorateAnswer,
    // Readings first, then one addition to the live region: announced once, complete.
    beforeShow: (answers) => applyFurigana(answers.flatMap((a) => a.textual)),
    afterTurn: restartIdleTimer,
  });

  /* ---------- voice input ---------- */

  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  let recognition = null;

  function stopListening() {
    if (recognition) recognition.abort();
  }

  if (Recognition && VOICE_ALLOWED) {
    ui.voice.hidden = false;
    ui.voice.addEventListener("click", () => {
      if (recognition) return recognition.stop();
      let heard = "";
      recognition = new Recognition();
      recognition.lang = "ja-JP";
      recognition.interimResults = true;
      recognition.maxAlternatives = 1;
      recognition.onresult = (event) => {
        heard = Array.from(event.results, (r) => r[0].transcript).join("");
        ui.input.value = heard;
      };
      recognition.onerror = () => {
        ui.status.textContent = texts.voiceFailed;
      };
      recognition.onend = () => {
        recognition = null;
        ui.voice.textContent = texts.voice;
        ui.voice.removeAttribute("aria-pressed");
        if (heard) {
          ui.status.textContent = texts.voiceHeard;
          ui.input.focus();
        }
      };
      ui.voice.textContent = texts.voiceListening;
      ui.voice.setAttribute("aria-pressed", "true");
      try {
        recognition.start();
      } catch {
        recognition = null;
        ui.voice.textContent = texts.voice;
        ui.voice.removeAttribute("aria-pressed");
        ui.status.textContent = texts.voiceFailed;
      }
    });
  }

  /* ---------- reset and inactivity ---------- */

  function clearBrowserStorage() {
    try {
      window.localStorage.clear();
      window.sessionStorage.clear();
    } catch {
      /* storage may be disabled; then there is nothing to clear */
    }
    for (const cookie of document.cookie.split(";")) {
      const name = cookie.split("=")[0].trim();
      if (name) document.cookie = `${name}=; Max-Age=0; path=/`;
    }
  }

  /** A fresh start for the next resident: nothing of the previous one stays on screen or in memory. */
  function reset() {
    state.readings.clear();
    stopSpeaking();
    stopListening();
    closeDialog();
    chat.restart(); // a new session from the server; a late answer of the previous resident is dropped
    ui.start.hidden = false;
    clearBrowserStorage();
    setFurigana(FURIGANA_DEFAULT);
    ui.main.scrollTop = 0;
    ui.title.focus();
    ui.status.textContent = texts.restarted;
    restartIdleTimer();
  }

  let idleTimer = 0;
  let countdownTimer = 0;
  let focusBeforeDialog = null;

  function pristine() {
    return ui.log.childElementCount === 0 && ui.input.value === "" && !ui.start.hidden;
  }

  function restartIdleTimer() {
    clearTimeout(idleTimer);
    if (ui.dialog.open) return;
    idleTimer = setTimeout(onIdle, IDLE_SECONDS * 1000);
  }

  function onIdle() {
    if (pristine() && !chat.pending) return restartIdleTimer();
    openDialog();
  }

  function openDialog() {
    let left = WARN_SECONDS;
    ui.seconds.textContent = String(left);
    focusBeforeDialog = document.activeElement;
    ui.dialog.showModal();
    ui.keepGoing.focus();
    clearInterval(countdownTimer);
    countdownTimer = setInterval(() => {
      left -= 1;
      ui.seconds.textContent = String(Math.max(left, 0));
      if (left <= 0) reset();
    }, 1000);
  }

  function closeDialog() {
    clearInterval(countdownTimer);
    if (ui.dialog.open) ui.dialog.close();
  }

  function keepGoing() {
    closeDialog();
    if (focusBeforeDialog && focusBeforeDialog.isConnected) focusBeforeDialog.focus();
    restartIdleTimer();
  }

  ui.keepGoing.addEventListener("click", keepGoing);
  ui.end.addEventListener("click", reset);
  ui.dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape means "I am still here"
    keepGoing();
  });

  for (const type of ["pointerdown", "keydown", "input", "wheel", "touchstart", "scroll"]) {
    document.addEventListener(
      type,
      () => {
        if (!ui.dialog.open) restartIdleTimer();
      },
      { capture: true, passive: true },
    );
  }

  /* ---------- start ---------- */

  ui.restart.addEventListener("click", reset);
  ui.furigana.addEventListener("click", () => setFurigana(!state.furigana));

  for (const node of document.querySelectorAll(".furi")) registerFurigana(node);

  chat
    .loadTopics(ui.topics, "k-topic")
    .then((buttons) => buttons.forEach(registerFurigana))
    .catch(() => {})
    .finally(() => setFurigana(state.furigana));

  restartIdleTimer();
})();
