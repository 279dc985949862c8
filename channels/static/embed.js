/*
 * Embeds the web chat in any page with one line:
 *
 *   <script src="https://chat.city.example/embed.js" defer></script>
 *
 * It adds a floating button (bottom right) that opens the chat in an iframe served by the
 * chatbot's own origin, so the chat keeps its own page, security headers and session; the
 * host page shares nothing with it. Optional attributes on the <script> tag:
 *   data-label="…"        text of the floating button
 *   data-title="…"        title of the iframe (read by screen readers)
 *   data-close-label="…"  text of the close button
 *
 * Without JavaScript, or to place the chat inside the page instead, use the iframe directly:
 *
 *   <iframe src="https://chat.city.example/?embed=1" title="AIチャット案内"
 *           style="width:100%;max-width:32rem;height:40rem;border:1px solid #6b6b6b"></iframe>
 *
 * Styles are set through the CSSOM (element.style), which host pages' CSP rules allow.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || window.__municipalChatEmbed) return;
  window.__municipalChatEmbed = true;

  // Served as /embed.js (documented) or as /static/embed.js: the chat is the app's root page.
  const inStatic = /\/static\/embed\.js$/.test(new URL(script.src).pathname);
  const chatUrl = new URL((inStatic ? "../" : "./") + "?embed=1", script.src);
  const label = script.dataset.label || "AIチャットで質問する";
  const title = script.dataset.title || "市役所 AIチャット案内";
  const closeLabel = script.dataset.closeLabel || "チャットを閉じる";
  const panelId = "municipal-chat-panel";

  function style(node, rules) {
    Object.assign(node.style, rules);
    return node;
  }

  const buttonLook = {
    font: "bold 1rem/1.4 sans-serif",
    minHeight: "3rem",
    minWidth: "3rem",
    padding: "0.75rem 1.25rem",
    borderRadius: "1.5rem",
    border: "0.1875rem solid #ffffff",
    background: "#083f99",
    color: "#ffffff",
    cursor: "pointer",
    boxShadow: "0 0.25rem 0.75rem rgba(0,0,0,0.35)",
  };

  /** A button in the chat's own look; `rules` adds to or changes it. */
  function button(text, rules) {
    const node = style(document.createElement("button"), { ...buttonLook, ...rules });
    node.type = "button";
    node.textContent = text;
    return node;
  }

  const launcher = button(label, {
    position: "fixed",
    right: "1rem",
    bottom: "1rem",
    zIndex: "2147483646",
  });
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", panelId);

  const panel = style(document.createElement("div"), {
    position: "fixed",
    right: "1rem",
    bottom: "5rem",
    width: "min(26rem, calc(100vw - 2rem))",
    height: "min(40rem, calc(100vh - 6.5rem))",
    display: "none",
    flexDirection: "column",
    background: "#ffffff",
    border: "0.125rem solid #083f99",
    borderRadius: "0.75rem",
    overflow: "hidden",
    zIndex: "2147483647",
    boxShadow: "0 0.5rem 2rem rgba(0,0,0,0.35)",
  });
  panel.id = panelId;
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", title);

  const close = button(closeLabel, {
    alignSelf: "flex-end",
    margin: "0.25rem",
    padding: "0.25rem 1rem",
    borderRadius: "0.5rem",
    boxShadow: "none",
  });

  const frame = style(document.createElement("iframe"), {
    flex: "1 1 auto",
    width: "100%",
    border: "0",
  });
  frame.title = title;

  panel.append(close, frame);

  function open() {
    if (!frame.src) frame.src = chatUrl.href; // loaded on first use only
    panel.style.display = "flex";
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function shut() {
    panel.style.display = "none";
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", () =>
    launcher.getAttribute("aria-expanded") === "true" ? shut() : open(),
  );
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") shut();
  });

  function mount() {
    document.body.append(panel, launcher);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
