// Connects to the chat's websocket at /ws on the host that served this page,
// sends what is typed in the box, and lists every message the server
// broadcasts. Each message is an <li id="msg-N"> (N is the server's number for
// it); its text is set with textContent, so what others type is never HTML.
(function () {
  "use strict";

  const status = document.getElementById("status");
  const list = document.getElementById("messages");
  const form = document.getElementById("send-form");
  const input = document.getElementById("message");
  const button = document.getElementById("send");

  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const socket = new WebSocket(scheme + location.host + "/ws");

  function setStatus(state, label) {
    status.dataset.state = state;
    status.textContent = label;
    button.disabled = state !== "open";
  }

  socket.addEventListener("open", () => setStatus("open", "connected"));
  socket.addEventListener("close", (event) =>
    setStatus("closed", "disconnected (code " + event.code + ")"));
  socket.addEventListener("error", () => setStatus("error", "connection error"));

  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;  // not one of ours
    }
    const item = document.createElement("li");
    item.id = "msg-" + message.id;
    item.className = "message";
    item.textContent = message.text;
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    socket.send(text);
    input.value = "";
    input.focus();
  });
})();
