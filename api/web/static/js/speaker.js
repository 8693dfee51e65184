// The speaker view (/ui/speaker?name=…): a person's speaking time per session and their turns, each opening the
// editor at its start.
import { api, showError } from "./api.js";
import { el, formatTime } from "./dom.js";
import { initPage } from "./layout.js";

const name = new URLSearchParams(location.search).get("name") || "";

async function load() {
  const view = await api(`/search/speakers/${encodeURIComponent(name)}?limit=500`);
  document.title = `${view.speaker} · Lượt nói · gobang`;
  document.getElementById("name").textContent = view.speaker;
  document.getElementById("summary").textContent = view.sessions.length
    ? `${view.total_turns} lượt nói trong ${view.sessions.length} phiên họp.`
    : "Chưa thấy lượt nói nào của người này.";
  const titles = Object.fromEntries(view.sessions.map((s) => [s.recording_id, s.title]));
  document.getElementById("sessions").replaceChildren(
    ...view.sessions.map((s) =>
      el("tr", {}, el("td", {}, s.title), el("td", {}, s.meeting_date || ""), el("td", {}, String(s.turns)), el("td", {}, formatTime(s.seconds))),
    ),
  );
  document.getElementById("turns").replaceChildren(
    ...view.turns.map((t) =>
      el(
        "tr",
        {},
        el("td", {}, titles[t.recording_id]),
        el("td", {}, el("a", { href: `/ui/editor/${t.recording_id}#t=${t.start}` }, formatTime(t.start))),
        el("td", {}, `${Math.round(t.duration)} s`),
        el("td", {}, t.first_words),
      ),
    ),
  );
}

initPage().then(load).catch(showError);
