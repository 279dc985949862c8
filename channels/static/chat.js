// Minimal web chat: messages are inserted as text (never as HTML).
(() => {
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const sessionId = "w" + Math.random().toString(36).slice(2) + Date.now().toString(36);

  function add(role, text) {
    const div = document.createElement("div");
    div.className = "msg " + role;
    div.textContent = text;
    log.appendChild(div);
    return div;
  }

  async function send(text) {
    add("user", text);
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: sessionId, text }),
    });
    const data = await response.json();
    for (const m of data.messages || []) {
      const div = add("bot", m.text);
      for (const b of m.buttons || []) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", () => send(b.payload));
        div.appendChild(button);
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
})();
