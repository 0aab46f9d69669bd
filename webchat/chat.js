// Patient chat page: talks to Rasa's socket.io channel (credentials.yml: socketio).
// The Rasa server defaults to this host on port 5005; ?server=http://host:port overrides it.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var server = params.get("server") || (window.location.protocol + "//" + window.location.hostname + ":5005");
  var log = document.getElementById("log");
  var quick = document.getElementById("quick");
  var form = document.getElementById("form");
  var input = document.getElementById("text");
  var send = document.getElementById("send");
  var status = document.getElementById("status");
  var storageKey = "hospital-chat-session";
  var sessionId = null;
  try { sessionId = window.localStorage.getItem(storageKey); } catch (e) { /* private mode */ }

  // Every message is inserted as text (never as HTML), so nothing a person types can run as code.
  function addMessage(kind, text) {
    var item = document.createElement("li");
    item.className = "msg " + kind;
    item.setAttribute("data-sender", kind);
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    item.appendChild(bubble);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function showButtons(buttons) {
    quick.textContent = "";
    (buttons || []).forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.title;
      button.addEventListener("click", function () { sendMessage(b.payload, b.title); });
      quick.appendChild(button);
    });
  }

  function setConnected(connected) {
    input.disabled = !connected;
    send.disabled = !connected;
    status.textContent = connected ? "在线" : "连接中断，正在重连…";
  }

  var socket = io(server, { transports: ["websocket", "polling"], reconnection: true });

  socket.on("connect", function () {
    socket.emit("session_request", { session_id: sessionId });
  });
  socket.on("session_confirm", function (data) {
    var id = (data && data.session_id) || data;
    if (id && id !== sessionId) {
      sessionId = id;
      try { window.localStorage.setItem(storageKey, sessionId); } catch (e) { /* ignore */ }
    }
    setConnected(true);
    if (!log.children.length) { sendMessage("/greet", null); }
  });
  socket.on("disconnect", function () { setConnected(false); });
  socket.on("bot_uttered", function (message) {
    if (message.text) { addMessage("bot", message.text); }
    var buttons = message.quick_replies || message.buttons;
    showButtons(buttons);
  });

  function sendMessage(text, shown) {
    if (!text || !text.trim()) { return; }
    if (shown !== null) { addMessage("user", shown || text); }
    showButtons([]);
    socket.emit("user_uttered", { message: text, session_id: sessionId });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    sendMessage(text.slice(0, 2000));
  });
})();
