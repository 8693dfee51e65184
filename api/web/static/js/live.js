// Read-only live captions: GET /live/{id}/captions (SSE). Finals are keyed by their index, so the
// replay a reconnecting EventSource receives replaces what is shown instead of doubling it.
import { initPage } from "./layout.js";

const sessionId = decodeURIComponent(location.pathname.split("/").pop());
const list = document.getElementById("captions");
const partial = document.getElementById("partial");
const state = document.getElementById("state");
const large = document.getElementById("large");
const follow = document.getElementById("follow");
const LARGE_KEY = "gobang.live.large";

function applyLarge() {
  document.body.classList.toggle("large", large.checked);
  localStorage.setItem(LARGE_KEY, large.checked ? "1" : "0");
}

function scroll() {
  if (follow.checked) list.scrollTop = list.scrollHeight;
}

/** One final utterance: its paragraph (made or replaced), the speaker's name before its text. */
export function showFinal(caption) {
  let p = list.querySelector(`p[data-index="${caption.index}"]`);
  if (!p) {
    p = document.createElement("p");
    p.dataset.index = String(caption.index);
    const next = [...list.children].find((el) => Number(el.dataset.index) > caption.index);
    list.insertBefore(p, next || null);
  }
  const who = document.createElement("span");
  who.className = "speaker";
  who.textContent = `${caption.speaker || "?"}:`;
  p.replaceChildren(who, document.createTextNode(caption.text));
  partial.textContent = "";
  scroll();
}

function connect() {
  const source = new EventSource(`/live/${encodeURIComponent(sessionId)}/captions`);
  source.onopen = () => { state.textContent = "Đang phát trực tiếp"; };
  source.addEventListener("final", (e) => showFinal(JSON.parse(e.data)));
  source.addEventListener("partial", (e) => {
    partial.textContent = JSON.parse(e.data).text;
    scroll();
  });
  source.addEventListener("end", (e) => {
    const end = JSON.parse(e.data);
    source.close();
    partial.textContent = "";
    state.replaceChildren("Phiên đã kết thúc. ");
    if (end.recording_id) {
      const a = document.createElement("a");
      a.href = `/ui/editor/${encodeURIComponent(end.recording_id)}`;
      a.textContent = "Mở bản gỡ băng";
      state.append(a);
    }
  });
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) state.textContent = "Mất kết nối, đang nối lại…";
  };
}

large.checked = localStorage.getItem(LARGE_KEY) === "1";
applyLarge();
large.addEventListener("change", applyLarge);
follow.addEventListener("change", scroll);
await initPage();
connect();
