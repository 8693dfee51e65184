// Search the archive by what was said: each hit shows its snippet with the matches marked, the speaker and the
// time, and opens the editor at the matched word with the audio positioned there (/ui/editor/<id>#t=SECONDS).
import { api, showError } from "./api.js";
import { el, formatTime } from "./dom.js";
import { initPage } from "./layout.js";
import { pager } from "./paging.js";

const PAGE = 20;
const form = document.getElementById("filters");
const hits = document.getElementById("hits");
const summary = document.getElementById("summary");
const paging = pager(form, PAGE, load);

/** The snippet as text nodes and <mark>s: the server gives character spans, never HTML. */
function marked(snippet, spans) {
  const parts = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (start > at) parts.push(snippet.slice(at, start));
    parts.push(el("mark", {}, snippet.slice(start, end)));
    at = end;
  }
  parts.push(snippet.slice(at));
  return parts;
}

function hitItem(hit) {
  const where = [hit.meeting_date, hit.source === "minutes" ? "biên bản" : "bản gỡ băng"].filter(Boolean).join(" · ");
  return el(
    "li",
    { class: "hit card", dataset: { recording: hit.recording_id, time: String(hit.time) } },
    el(
      "div",
      { class: "row spread" },
      el("a", { class: "open", href: hit.url }, el("strong", {}, hit.title), ` — ${formatTime(hit.time)}`),
      el("span", { class: "muted" }, where),
    ),
    hit.speaker
      ? el("div", { class: "speaker" }, el("a", { href: `/ui/speaker?name=${encodeURIComponent(hit.speaker)}`, title: "Các lượt nói của người này" }, hit.speaker))
      : "",
    el("p", { class: "snippet" }, marked(hit.snippet, hit.highlights)),
  );
}

function params() {
  const query = new URLSearchParams({ limit: PAGE, offset: paging.offset });
  for (const [key, value] of new FormData(form)) if (value) query.set(key, value);
  return query;
}

async function load() {
  const { offset } = paging;
  const query = params();
  history.replaceState(null, "", `?${query}`);
  const page = await api(`/search?${query}`);
  const count = page.total_exact ? `${page.total} đoạn khớp` : `Hơn ${page.total} đoạn khớp (xếp hạng trong ${page.total} đoạn mới nhất)`;
  summary.textContent = page.total ? `${count}; đang xem ${offset + 1}–${offset + page.items.length}.` : "Không tìm thấy đoạn nào.";
  hits.replaceChildren(...page.items.map(hitItem));
  document.getElementById("prev").disabled = offset === 0;
  document.getElementById("next").disabled = offset + page.items.length >= page.total;
}

/** A search link (/ui/search?q=…) fills the form and runs it. */
function fromUrl() {
  const query = new URLSearchParams(location.search);
  for (const [key, value] of query) {
    const field = form.elements.namedItem(key);
    if (field?.type === "checkbox") field.checked = value === "true";
    else if (field) field.value = value;
  }
  paging.offset = Number(query.get("offset")) || 0;
  return query.get("q") ? load() : null;
}

initPage().then(fromUrl).catch(showError);
