// The transcript editor: wires the model, the virtualised list, editing, shortcuts, autosave with If-Match
// (and the conflict dialog), find/replace and exports to the player, speakers and history of their own modules.
import { api, showError, showInfo } from "../api.js";
import { el, formatTime, openDialog } from "../dom.js";
import { initPage } from "../layout.js";
import { Autosaver, exportSaved, resolveConflict, watchForNewer } from "../versioned.js";
import { TranscriptModel } from "./model.js";
import { shownWords } from "./retime.js";
import { ACTIONS, byCombo, comboOf, label, loadShortcuts, saveShortcuts, STORAGE_KEY } from "./shortcuts.js";
import { History, renderDiff } from "./history.js";
import { Player } from "./player.js";
import { Speakers } from "./speakers.js";
import { SegmentList } from "./view.js";

performance.mark("editor-start");
const $ = (id) => document.getElementById(id);
const recordingId = decodeURIComponent(location.pathname.split("/").pop());
const BASE = `/recordings/${encodeURIComponent(recordingId)}/transcript`;
const LOW_CONFIDENCE = 0.5;
const AUTOSAVE_MS = 1200;
const SETTINGS_KEY = "gobang.editor.settings";

const audio = $("audio");
const status = $("save-status");
let model;
let list;
let shortcuts = loadShortcuts();
let combos = byCombo(shortcuts);
const prefs = { skip: 3, autopause: false, follow: true, ...storedPrefs() };
const pending = new Set(); // ids of segments typed in but not yet folded into the model

/** The clerk's player settings (localStorage); a damaged entry falls back to the defaults. */
function storedPrefs() {
  try {
    return JSON.parse(localStorage.getItem(SETTINGS_KEY) || "{}");
  } catch {
    return {};
  }
}

// --- rows ------------------------------------------------------------------------------------------

function speakerSelect(seg) {
  const select = el("select", { class: "spk", "aria-label": "Người nói của đoạn" });
  select.append(el("option", { value: "" }, "— chưa rõ —"));
  for (const name of model.speakers) select.append(el("option", { value: name, selected: name === seg.speaker }, name));
  select.append(el("option", { value: "__new__" }, "+ Người nói mới…"));
  select.addEventListener("change", () => speakers.chosen(seg.id, select));
  return select;
}

function fillText(box, seg) {
  box.replaceChildren();
  if (!seg.words.length) {
    box.textContent = seg.text;
    return;
  }
  shownWords(seg).forEach((w, j) => {
    if (j) box.append(" ");
    const span = el("span", { class: w.confidence < LOW_CONFIDENCE ? "w low" : "w", dataset: { i: j, start: w.start, end: w.end } }, w.text);
    if (w.confidence < LOW_CONFIDENCE) span.title = `Độ tin cậy ${Math.round(w.confidence * 100)}%`;
    box.append(span);
  });
}

function renderRow(seg, i) {
  // speech heard but not recognised (asr.recover): marked until a clerk listens and types it
  const untranscribed = Boolean(seg.untranscribed) && !seg.text.trim();
  const box = el("div", {
    class: "text",
    contenteditable: "true",
    spellcheck: "false",
    role: "textbox",
    "aria-multiline": "true",
    "aria-label": untranscribed ? `Đoạn ${i + 1}: tiếng nói chưa gỡ được, hãy nghe và gõ lại` : `Nội dung đoạn ${i + 1}`,
  });
  fillText(box, seg);
  const reviewed = el("input", { type: "checkbox", class: "rev", checked: Boolean(seg.reviewed) });
  reviewed.addEventListener("change", () => setReviewed(seg.id, reviewed.checked));
  const classes = ["seg", seg.reviewed && "reviewed", untranscribed && "untranscribed"].filter(Boolean).join(" ");
  return el(
    "article",
    { class: classes, role: "listitem", dataset: { id: seg.id } },
    el(
      "header",
      {},
      speakerSelect(seg),
      el("button", { type: "button", class: "time", "aria-label": `Phát từ ${formatTime(seg.start)}`, dataset: { seek: seg.start } }, formatTime(seg.start, true)),
      el("label", { class: "inline" }, reviewed, "Đã duyệt"),
      untranscribed && el("span", { class: "untranscribed-mark", title: "Có tiếng nói nhưng máy không nhận dạng được" }, "Chưa gỡ được"),
    ),
    box,
  );
}

const indexOf = (id) => model.indexById.get(Number(id));
const rowOf = (node) => node?.closest?.(".seg");

/** Fold typed text of pending rows into the model (re-timing words); rows not focused are redrawn. */
function commitPending() {
  const redraw = [];
  for (const id of [...pending]) {
    const i = indexOf(id);
    const row = list.nodes.get(id);
    pending.delete(id);
    if (i === undefined || !row) continue;
    const changed = model.setText(i, row.querySelector(".text").textContent);
    if (changed && !row.contains(document.activeElement)) redraw.push(id);
  }
  if (redraw.length) list.refresh(false, redraw);
}

function redrawAll() {
  list.refresh(true);
  updateReview();
  speakers.render();
  player.redrawn();
}

// --- editing --------------------------------------------------------------------------------------

function focusedSegment() {
  const row = rowOf(document.activeElement);
  if (row) return indexOf(row.dataset.id);
  const [i] = model.at(audio.currentTime);
  return i >= 0 ? i : 0;
}

function focusText(i, atEnd = false) {
  const row = list.reveal(i);
  const box = row?.querySelector(".text");
  if (!box) return;
  box.focus();
  const range = document.createRange();
  range.selectNodeContents(box);
  range.collapse(!atEnd);
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

function caretOffset(box) {
  const sel = getSelection();
  if (!sel.rangeCount || !box.contains(sel.anchorNode)) return null;
  const range = document.createRange();
  range.selectNodeContents(box);
  range.setEnd(sel.getRangeAt(0).startContainer, sel.getRangeAt(0).startOffset);
  return range.toString().length;
}

function splitAtCaret() {
  const row = rowOf(document.activeElement);
  if (!row) return;
  const box = row.querySelector(".text");
  const offset = caretOffset(box) ?? 0;
  const before = box.textContent.slice(0, offset);
  commitPending();
  const i = indexOf(row.dataset.id);
  const at = before.split(/\s+/u).filter(Boolean).length;
  if (!model.split(i, at)) return showInfo("Đặt con trỏ giữa hai từ để tách đoạn.");
  redrawAll();
  focusText(i + 1);
  scheduleSave();
}

function mergeWithPrevious(i) {
  commitPending();
  const caret = model.segments[i - 1]?.text.length ?? 0;
  if (!model.mergeWithPrevious(i)) return;
  redrawAll();
  focusText(i - 1);
  const box = list.node(i - 1)?.querySelector(".text");
  if (box) placeCaret(box, caret ? caret + 1 : 0);
  scheduleSave();
}

function placeCaret(box, offset) {
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let left = offset;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (left <= node.length) {
      getSelection().collapse(node, left);
      return;
    }
    left -= node.length;
  }
}

function setReviewed(id, value) {
  const i = indexOf(id);
  model.setReviewed(i, value);
  list.nodes.get(Number(id))?.classList.toggle("reviewed", value);
  const box = list.nodes.get(Number(id))?.querySelector(".rev");
  if (box) box.checked = value;
  updateReview();
  scheduleSave();
}

function updateReview() {
  const [done, total] = model.reviewed();
  $("review-bar").max = Math.max(total, 1);
  $("review-bar").value = done;
  $("review-text").textContent = `Đã duyệt ${done}/${total} đoạn (${total ? Math.round((100 * done) / total) : 0}%)`;
}

let typingTimer = 0;
let resumeAfterTyping = false;

function onTyping() {
  if (!prefs.autopause) return;
  if (!audio.paused) {
    resumeAfterTyping = true;
    audio.pause();
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    if (resumeAfterTyping) audio.play().catch(() => {});
    resumeAfterTyping = false;
  }, 1500);
}

function wireCanvas(canvas) {
  canvas.addEventListener("input", (event) => {
    const row = rowOf(event.target);
    if (!row) return;
    pending.add(Number(row.dataset.id));
    model.changed();
    onTyping();
    scheduleSave();
  });
  canvas.addEventListener("focusout", (event) => {
    const row = rowOf(event.target);
    if (row && event.target.classList.contains("text") && pending.has(Number(row.dataset.id))) {
      queueMicrotask(commitPending);
    }
  });
  canvas.addEventListener("click", (event) => {
    const word = event.target.closest?.(".w");
    const time = event.target.closest?.("[data-seek]");
    const at = word ? Number(word.dataset.start) : time ? Number(time.dataset.seek) : null;
    if (at === null) return;
    audio.currentTime = at;
    player.highlight();
  });
  canvas.addEventListener("keydown", (event) => {
    if (!event.target.classList?.contains("text")) return;
    const box = event.target;
    if (event.key === "Enter" && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      splitAtCaret();
    } else if (event.key === "Backspace" && !event.altKey && getSelection().isCollapsed && caretOffset(box) === 0) {
      event.preventDefault();
      mergeWithPrevious(indexOf(rowOf(box).dataset.id));
    }
  });
  canvas.addEventListener("paste", (event) => {
    if (!event.target.closest?.(".text")) return;
    event.preventDefault();
    document.execCommand("insertText", false, event.clipboardData.getData("text/plain").replace(/\s+/g, " "));
  });
}

// --- saving -----------------------------------------------------------------------------------------

let saver; // the autosave (shared with the minutes page), made in start() once the model is loaded
const showSaved = () => saver.showSaved();
const scheduleSave = () => saver.schedule();
const save = () => saver.save();
const flush = () => saver.flush();

function putTranscript(ifMatch) {
  const sent = model.snapshot();
  return api(BASE, { method: "PUT", json: { transcript: sent }, ifMatch }).then((out) => {
    model.saved(sent, out.version);
    return out;
  });
}

/** Another clerk's version replaces what the page shows (nothing of mine is unsaved, or I chose theirs). */
function loadTheirs(theirs) {
  model.load(theirs.transcript, theirs.version);
  pending.clear();
  redrawAll();
}

/** A 412: show what they changed on demand, then load theirs or re-apply my edits on top of it. */
function onConflict() {
  if (!saver.conflicting) $("conflict-diff").replaceChildren();
  return resolveConflict(saver, {
    url: BASE,
    dialog: $("conflict-dialog"),
    text: $("conflict-text"),
    note:
      "Bạn có thể áp lại thay đổi của mình lên bản mới của họ (những đoạn bạn không sửa giữ nguyên như họ sửa), " +
      "hoặc bỏ thay đổi của mình và tải bản của họ.",
    useTheirs: loadTheirs,
    keepMine: (theirs) => {
      model.doc = model.rebase(theirs.transcript);
      model.saved(theirs.transcript, theirs.version);
      model.reindex();
      model.changed();
      redrawAll();
    },
    savedMine: "Đã áp lại thay đổi của bạn lên bản mới và lưu.",
    other: async (choice, theirs) => {
      if (choice === "diff") renderDiff($("conflict-diff"), await api(`${BASE}/diff?from=${model.version}&to=${theirs.version}`));
    },
  });
}

// --- find and replace -------------------------------------------------------------------------------

let hits = [];
let hitAt = -1;

function findOptions() {
  return { diacritics: $("find-diacritics").checked, caseSensitive: $("find-case").checked, wholeWord: $("find-word").checked };
}

function runFind() {
  commitPending();
  const q = $("find-q").value;
  hits = q.trim() ? model.find(q, findOptions()).flatMap(({ index, hits: h }) => h.map((hit) => ({ index, ...hit }))) : [];
  hitAt = -1;
  $("find-count").textContent = q.trim() ? `${hits.length} kết quả` : "";
}

function gotoHit(step) {
  if (!hits.length) runFind();
  if (!hits.length) return;
  hitAt = (hitAt + step + hits.length) % hits.length;
  const hit = hits[hitAt];
  const row = list.reveal(hit.index, true);
  const box = row?.querySelector(".text");
  $("find-count").textContent = `Kết quả ${hitAt + 1}/${hits.length}`;
  if (!box) return;
  const range = document.createRange();
  const start = locate(box, hit.start);
  const end = locate(box, hit.end);
  if (start && end) {
    range.setStart(...start);
    range.setEnd(...end);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
}

function locate(box, offset) {
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let left = offset;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (left <= node.length) return [node, left];
    left -= node.length;
  }
  return null;
}

function replaceOne() {
  if (hitAt < 0) return gotoHit(1);
  const hit = hits[hitAt];
  const seg = model.segments[hit.index];
  const text = seg.text.normalize("NFC");
  model.setText(hit.index, text.slice(0, hit.start) + $("find-r").value.normalize("NFC") + text.slice(hit.end));
  list.refresh(false, [seg.id]);
  scheduleSave();
  runFind();
  gotoHit(1);
}

function replaceEverywhere() {
  commitPending();
  const n = model.replaceEverywhere($("find-q").value, $("find-r").value, findOptions());
  redrawAll();
  scheduleSave();
  $("find-count").textContent = `Đã thay ${n} chỗ`;
  hits = [];
}

function openFind() {
  const dialog = $("find-dialog");
  if (!dialog.open) dialog.show();
  const selected = getSelection().toString().trim();
  if (selected && selected.length < 80) $("find-q").value = selected;
  $("find-q").focus();
  $("find-q").select();
}

// --- the player, the speakers, the history -------------------------------------------------------------

const savePrefs = () => localStorage.setItem(SETTINGS_KEY, JSON.stringify(prefs));
const editingIndex = () => {
  const row = rowOf(document.activeElement);
  return row ? indexOf(row.dataset.id) : -1;
};
const player = new Player(audio, status, { model: () => model, list: () => list, editingIndex }, prefs, savePrefs);
const speakers = new Speakers({ model: () => model, indexOf, redrawAll, commitPending, scheduleSave, flush, showSaved, status, recordingId });
const historyPanel = new History({ base: BASE, model: () => model, saver: () => saver, redrawAll, onConflict });

// --- shortcuts --------------------------------------------------------------------------------------

const RUN = {
  playPause: () => player.togglePlay(),
  back: () => player.skip(-prefs.skip),
  forward: () => player.skip(prefs.skip),
  slower: () => player.setRate(audio.playbackRate - 0.1),
  faster: () => player.setRate(audio.playbackRate + 0.1),
  split: splitAtCaret,
  merge: () => mergeWithPrevious(focusedSegment()),
  reviewed: () => {
    const i = focusedSegment();
    setReviewed(model.segments[i].id, !model.segments[i].reviewed);
  },
  speaker: () => list.reveal(focusedSegment())?.querySelector(".spk")?.focus(),
  nextSegment: () => focusText(Math.min(model.segments.length - 1, focusedSegment() + 1)),
  prevSegment: () => focusText(Math.max(0, focusedSegment() - 1)),
  playing: () => {
    const [i] = model.at(audio.currentTime);
    focusText(Math.max(0, i));
  },
  find: openFind,
  save: () => save().catch(showError),
  history: () => historyPanel.open(),
  help: openShortcuts,
};

let capturing = null;

function onKeydown(event) {
  if (capturing) return capturing(event);
  if (document.querySelector("dialog[open]:modal")) return;
  const action = combos.get(comboOf(event));
  if (!action) return;
  if (action === "playPause" && document.getElementById("find-dialog").open && document.activeElement.closest("#find-dialog")) {
    $("find-dialog").close();
    event.preventDefault();
    return;
  }
  event.preventDefault();
  event.stopPropagation();
  RUN[action]();
}

function renderShortcutRows() {
  $("shortcut-rows").replaceChildren(
    ...Object.entries(ACTIONS).map(([action, [name]]) =>
      el(
        "tr",
        {},
        el("td", {}, name),
        el("td", {}, el("kbd", { "data-action": action }, label(shortcuts[action]))),
        el("td", {}, el("button", { type: "button", "aria-label": `Đổi phím cho: ${name}`, onclick: (e) => capture(action, e.target) }, "Đổi")),
      ),
    ),
  );
}

function capture(action, button) {
  button.textContent = "Nhấn phím…";
  capturing = (event) => {
    if (["Control", "Alt", "Shift", "Meta"].includes(event.key)) return;
    event.preventDefault();
    event.stopPropagation();
    capturing = null;
    const combo = comboOf(event);
    for (const [other, c] of Object.entries(shortcuts)) if (c === combo && other !== action) shortcuts[other] = "";
    shortcuts[action] = combo;
    saveShortcuts(shortcuts);
    combos = byCombo(shortcuts);
    renderShortcutRows();
    showInfo(`${ACTIONS[action][0]}: ${label(combo)}`);
  };
}

function openShortcuts() {
  renderShortcutRows();
  $("skip-seconds").value = prefs.skip;
  openDialog($("shortcuts-dialog"));
}

// --- links into the transcript: /ui/editor/<id>#t=SECONDS (a citation of the minutes) -----------------

/** Seek to the time in the URL's `#t=` (a citation of the minutes, a search hit's word) and bring its segment
 * into view, ready to be corrected; the word spoken then is marked. */
function seekToHash() {
  const match = /^#t=(\d+(?:\.\d+)?)$/.exec(location.hash);
  if (!match) return;
  const t = Number(match[1]);
  audio.currentTime = t;
  const [i] = model.at(t);
  const index = i >= 0 ? i : model.segments.findIndex((s) => s.end >= t);
  if (index >= 0) focusText(index);
  document.body.dataset.seeked = String(t);
  player.highlight();
}

// --- start ------------------------------------------------------------------------------------------

async function start() {
  const [, recording, current] = await Promise.all([initPage(), api(`/recordings/${encodeURIComponent(recordingId)}`), api(BASE)]);
  document.title = `${recording.title || recording.filename} · Trình sửa · gobang`;
  $("title").textContent = recording.title || recording.filename;
  model = new TranscriptModel(current.transcript, current.version);
  saver = new Autosaver({
    status,
    version: current.version,
    delay: AUTOSAVE_MS,
    revision: () => model.revision,
    busy: () => pending.size > 0,
    prepare: commitPending,
    put: putTranscript,
    onConflict,
  });
  watchForNewer(saver, { url: BASE, useTheirs: loadTheirs });
  list = new SegmentList($("scroller"), $("canvas"), model, renderRow);
  wireCanvas($("canvas"));
  player.wire(recordingId);
  list.refresh(true);
  updateReview();
  speakers.render();
  showSaved();
  $("open-minutes").href = `/ui/minutes/${encodeURIComponent(recordingId)}`;
  // after the list's first resize redraw (next frame), which rebuilds every row and would drop the focus
  requestAnimationFrame(() => requestAnimationFrame(seekToHash));
  window.addEventListener("hashchange", seekToHash);
  performance.mark("editor-rendered");
  document.body.dataset.ready = "true";

  document.addEventListener("keydown", onKeydown, true);
  $("open-find").addEventListener("click", openFind);
  $("open-history").addEventListener("click", () => historyPanel.open());
  $("open-shortcuts").addEventListener("click", openShortcuts);
  $("add-speaker").addEventListener("click", () => speakers.add());
  $("find-next").addEventListener("click", () => gotoHit(1));
  $("find-prev").addEventListener("click", () => gotoHit(-1));
  $("replace-one").addEventListener("click", replaceOne);
  $("replace-all").addEventListener("click", replaceEverywhere);
  for (const id of ["find-q", "find-diacritics", "find-case", "find-word"]) $(id).addEventListener("input", runFind);
  $("find-form").addEventListener("submit", (e) => {
    if (e.submitter?.value !== "close") {
      e.preventDefault();
      gotoHit(1);
    }
  });
  $("skip-seconds").addEventListener("change", (e) => {
    prefs.skip = Math.max(1, Math.min(30, Number(e.target.value) || 3));
    savePrefs();
  });
  $("shortcuts-dialog").addEventListener("close", () => (capturing = null)); // a key pressed later is text, not a shortcut
  $("shortcuts-reset").addEventListener("click", () => {
    localStorage.removeItem(STORAGE_KEY);
    shortcuts = loadShortcuts();
    combos = byCombo(shortcuts);
    renderShortcutRows();
  });
  for (const button of document.querySelectorAll("[data-export]")) button.addEventListener("click", () => exportSaved(saver, `${BASE}/export?format=${button.dataset.export}`));
  window.addEventListener("beforeunload", (event) => {
    if (saver.dirty) event.preventDefault();
  });
}

start().catch(showError);
