// Live dictation: microphone -> WS /dictation (16 kHz PCM16) -> final text inserted at the textarea's cursor.
import { ApiError, showError, vietnamese } from "./api.js";
import { initPage } from "./layout.js";
import { openMic } from "./mic.js";

const start = document.getElementById("start");
const stop = document.getElementById("stop");
const state = document.getElementById("state");
const area = document.getElementById("text");
const partial = document.getElementById("partial");
const glossary = document.getElementById("glossary");
let socket = null;
let mic = null;

/** Insert at the cursor (replacing a selection), with a space where two words would touch. */
export function insertAtCursor(textarea, text) {
  const { selectionStart: from, selectionEnd: to, value } = textarea;
  const before = value.slice(0, from);
  const needsSpace = before && !/[\s(]$/.test(before) && !/^[\s.,?!:)]/.test(text);
  const piece = (needsSpace ? " " : "") + text;
  textarea.value = before + piece + value.slice(to);
  textarea.selectionStart = textarea.selectionEnd = from + piece.length;
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

function finish() {
  mic?.stop();
  mic = null;
  start.disabled = false;
  stop.disabled = true;
  partial.textContent = "";
}

start.addEventListener("click", async () => {
  start.disabled = true;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/dictation?format=pcm16`);
  socket = ws;
  ws.binaryType = "arraybuffer";
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "partial") partial.textContent = message.text;
    else if (message.type === "final") {
      insertAtCursor(area, message.text);
      partial.textContent = "";
    } else if (message.type === "error") showError(new Error(vietnamese(message.detail)));
    else if (message.type === "end") ws.close();
  };
  let opened = false;
  ws.onclose = () => {
    state.textContent = "Đã dừng.";
    if (!opened) showError(new ApiError(0, null)); // refused or unreachable: say so, not just "stopped"
    finish();
  };
  ws.onopen = async () => {
    opened = true;
    const terms = glossary.value.normalize("NFC").split("\n").map((t) => t.trim()).filter(Boolean);
    if (terms.length) ws.send(JSON.stringify({ type: "glossary", terms }));
    try {
      mic = await openMic((pcm) => ws.readyState === WebSocket.OPEN && ws.send(pcm.buffer));
      if (ws.readyState !== WebSocket.OPEN) return finish(); // closed while the microphone was opening
      state.textContent = "Đang nghe…";
      stop.disabled = false;
      document.body.dataset.listening = "true";
    } catch (err) {
      showError(new Error("Không mở được micrô: " + err.message));
      ws.close();
    }
  };
});

stop.addEventListener("click", () => {
  mic?.stop();
  mic = null;
  stop.disabled = true;
  state.textContent = "Đang hoàn tất…";
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "end" }));
});

initPage()
  .then(() => (document.body.dataset.ready = "true"))
  .catch(showError);
