// The minutes page (biên bản): generate from the transcript (extractive in the request, the language
// model as a job followed live), edit every field and item, follow a citation to the transcript editor
// at its time, regenerate one item, autosave with If-Match, history and restore, export.
import { api, ApiError, showError, showInfo } from "./api.js";
import { el, formatTime, openDialog } from "./dom.js";
import { initPage } from "./layout.js";
import { Autosaver, etag, exportSaved, followJob, historyRows, resolveConflict, watchForNewer } from "./versioned.js";

const $ = (id) => document.getElementById(id);
const recordingId = decodeURIComponent(location.pathname.split("/").pop());
const RID = encodeURIComponent(recordingId);
const BASE = `/recordings/${RID}/minutes`;

let doc = null; // the minutes being edited (the `minutes` of MinutesOut)
let revision = 0;
const saver = new Autosaver({
  status: $("save-status"),
  revision: () => revision,
  put: (ifMatch) => api(BASE, { method: "PUT", json: { minutes: doc }, ifMatch }),
  onConflict,
});
watchForNewer(saver, { url: BASE, useTheirs: load });

// --- paths: every input names the place of its value in the document ("items.0.votes.1.in_favour") ---

function walk(path) {
  const keys = path.split(".");
  const last = keys.pop();
  let node = doc;
  for (const key of keys) node = node[key];
  return [node, last];
}

function read(path, type) {
  const [node, key] = walk(path);
  const value = node[key];
  if (type === "lines") return (value || []).join("\n");
  if (type === "datetime") return value ? value.slice(0, 16) : "";
  return value ?? "";
}

function write(path, type, raw) {
  const [node, key] = walk(path);
  const text = raw.normalize("NFC");
  if (type === "lines") node[key] = text.split("\n").map((s) => s.trim()).filter(Boolean);
  else if (type === "int") node[key] = text.trim() === "" ? null : Math.max(0, Math.trunc(Number(text)));
  else if (type === "datetime") node[key] = text ? `${text}:00` : null;
  else node[key] = text;
}

function onInput(event) {
  const input = event.target;
  if (!input.dataset?.path) return;
  if (input.dataset.type === "int" && input.value !== "" && !input.checkValidity()) return;
  write(input.dataset.path, input.dataset.type, input.value);
  revision += 1;
  saver.schedule();
}

function fill(root) {
  for (const input of root.querySelectorAll("[data-path]")) input.value = read(input.dataset.path, input.dataset.type);
}

// --- items -------------------------------------------------------------------------------------------

let fieldId = 0;

/** A labelled input (or textarea) bound to `path`. */
function field(labelText, path, { type, rows, wide } = {}) {
  const id = `m-${++fieldId}`;
  const attrs = { id, dataset: { path, ...(type ? { type } : {}) } };
  const input = rows
    ? el("textarea", { ...attrs, rows })
    : el("input", type === "int" ? { ...attrs, type: "number", min: "0", step: "1" } : attrs);
  return el("div", { class: wide ? "field" : "field inline-field" }, el("label", { for: id }, labelText), input);
}

/** Links to the transcript editor at each cited segment's time. */
function sources(refs, what) {
  return el(
    "div",
    { class: "sources", role: "group", "aria-label": `Nguồn của ${what}` },
    el("span", { class: "muted" }, "Nguồn:"),
    ...refs.map((ref) =>
      el(
        "a",
        {
          href: `/ui/editor/${RID}#t=${ref.start}`,
          target: "_blank",
          rel: "noopener",
          class: "cite",
          dataset: { segment: ref.id, start: ref.start },
          "aria-label": `Nghe ${what} tại ${formatTime(ref.start)} (đoạn ${ref.id}) trong bản gỡ băng`,
        },
        formatTime(ref.start),
      ),
    ),
  );
}

function part(heading, fields, refs, what) {
  return el("div", { class: "part" }, el("div", { class: "muted" }, heading), ...fields, sources(refs, what));
}

function renderItem(item, i) {
  const p = `items.${i}`;
  const n = i + 1;
  return el(
    "section",
    { class: "card item", "aria-labelledby": `item-${i}-title`, dataset: { index: i } },
    el("div", { class: "row spread" },
      el("h3", { id: `item-${i}-title` }, `Mục ${n}`),
      el("button", { type: "button", class: "regenerate", "aria-label": `Tạo lại mục ${n} từ bản gỡ băng`, onclick: () => regenerateItem(i) }, "Tạo lại mục này"),
    ),
    field(`Tên mục ${n}`, `${p}.title`, { wide: true }),
    sources(item.source_segments, `mục ${n}`),
    item.interventions.length ? el("h4", {}, "Ý kiến phát biểu") : "",
    ...item.interventions.map((_, j) =>
      part(`Ý kiến ${j + 1}`, [
        field(`Người phát biểu (mục ${n}, ý kiến ${j + 1})`, `${p}.interventions.${j}.speaker`),
        field(`Tóm tắt ý kiến ${j + 1} của mục ${n}`, `${p}.interventions.${j}.summary`, { rows: 3, wide: true }),
      ], item.interventions[j].source_segments, `ý kiến ${j + 1} của mục ${n}`),
    ),
    item.conclusions.length ? el("h4", {}, "Kết luận") : "",
    ...item.conclusions.map((_, j) =>
      part(`Kết luận ${j + 1}`, [
        field(`Kết luận ${j + 1} của mục ${n}`, `${p}.conclusions.${j}.text`, { rows: 2, wide: true }),
      ], item.conclusions[j].source_segments, `kết luận ${j + 1} của mục ${n}`),
    ),
    item.votes.length ? el("h4", {}, "Biểu quyết") : "",
    ...item.votes.map((_, j) =>
      part(`Biểu quyết ${j + 1}`, [
        field(`Nội dung biểu quyết ${j + 1} của mục ${n}`, `${p}.votes.${j}.motion`, { rows: 2, wide: true }),
        el("div", { class: "row counts" },
          field("Tán thành", `${p}.votes.${j}.in_favour`, { type: "int" }),
          field("Không tán thành", `${p}.votes.${j}.against`, { type: "int" }),
          field("Không biểu quyết", `${p}.votes.${j}.abstain`, { type: "int" }),
          field("Tổng số", `${p}.votes.${j}.total`, { type: "int" }),
        ),
      ], item.votes[j].source_segments, `biểu quyết ${j + 1} của mục ${n}`),
    ),
    item.tasks.length ? el("h4", {}, "Nhiệm vụ được giao") : "",
    ...item.tasks.map((_, j) =>
      part(`Nhiệm vụ ${j + 1}`, [
        field(`Người hoặc cơ quan được giao (nhiệm vụ ${j + 1}, mục ${n})`, `${p}.tasks.${j}.assignee`),
        field(`Việc phải làm (nhiệm vụ ${j + 1}, mục ${n})`, `${p}.tasks.${j}.action`, { rows: 2, wide: true }),
        field(`Thời hạn (nhiệm vụ ${j + 1}, mục ${n})`, `${p}.tasks.${j}.deadline`),
      ], item.tasks[j].source_segments, `nhiệm vụ ${j + 1} của mục ${n}`),
    ),
  );
}

function render() {
  $("empty").hidden = Boolean(doc);
  $("minutes").hidden = !doc;
  $("generate").textContent = doc ? "Tạo lại toàn bộ biên bản" : "Tạo biên bản";
  for (const b of document.querySelectorAll("[data-export], #open-history")) b.disabled = !doc;
  if (!doc) return;
  $("items").replaceChildren(...doc.items.map(renderItem));
  fill($("minutes"));
}

function load(out) {
  doc = out ? out.minutes : null;
  revision += 1; // a new document: the saver's baseline moves with it
  render();
  saver.reset(out ? out.version : 0);
}

// --- generating ----------------------------------------------------------------------------------------

function busy(on) {
  for (const b of document.querySelectorAll("#generate, .regenerate")) b.disabled = on;
}

function showJob(job) {
  const pct = Math.round((job.progress || 0) * 100);
  $("job").hidden = false;
  $("job-bar").value = pct;
  $("job-text").textContent = job.status === "queued" ? "Đang chờ tới lượt…" : `Mô hình ngôn ngữ đang lập biên bản: ${pct}%`;
  $("job-cancel").onclick = () => api(`/jobs/${job.id}/cancel`, { method: "POST" }).catch(showError);
}

/** A 202 answer is a job: follow it, then show the version it saved. */
async function settle(answer, done) {
  if (!answer.status || answer.minutes) {
    load(answer);
    return showInfo(done);
  }
  const job = await followJob(answer.id, showJob);
  $("job").hidden = true;
  if (job.status === "succeeded") {
    load(await api(BASE));
    showInfo(done);
  } else if (job.status === "cancelled") showInfo("Đã hủy việc tạo biên bản.");
  else throw new Error(`Không tạo được biên bản: ${job.error || "lỗi không rõ"}`);
}

async function generateAll() {
  if (doc && !confirm("Tạo lại toàn bộ biên bản từ bản gỡ băng? Bản hiện tại vẫn còn trong lịch sử.")) return;
  busy(true);
  try {
    if (doc) await saver.flush();
    const generator = $("generator").value;
    const answer = await api(`${BASE}/generate`, { method: "POST", json: { generator }, ifMatch: doc ? etag(saver.version) : undefined });
    await settle(answer, "Đã tạo biên bản.");
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) return onConflict();
    if (err instanceof ApiError && err.status === 428) return loadTheirs().catch(showError);
    showError(err);
  } finally {
    busy(false);
  }
}

/** A 428 on generating: someone else made the minutes while this page showed none; show theirs, replace nothing. */
async function loadTheirs() {
  const theirs = await api(BASE);
  load(theirs);
  showInfo(`${theirs.author} vừa tạo biên bản (phiên bản ${theirs.version}); đã tải bản đó. Bấm “Tạo biên bản” nếu vẫn muốn tạo lại.`);
}

async function regenerateItem(index) {
  busy(true);
  try {
    await saver.flush();
    const answer = await api(`${BASE}/items/${index}/regenerate`, {
      method: "POST",
      json: { generator: $("generator").value },
      ifMatch: etag(saver.version),
    });
    await settle(answer, `Đã tạo lại mục ${index + 1}.`);
    document.querySelector(`.item[data-index="${index}"] input`)?.focus();
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) return onConflict();
    showError(err);
  } finally {
    busy(false);
  }
}

// --- conflicts and history ---------------------------------------------------------------------------------

/** A 412: load theirs, or save mine on top of it as a new version. */
function onConflict() {
  return resolveConflict(saver, {
    url: BASE,
    dialog: $("conflict-dialog"),
    text: $("conflict-text"),
    useTheirs: load,
    keepMine: () => (revision += 1), // saved even when the refused request was not a save (a generation, a restore)
    savedMine: "Đã lưu bản của bạn thành phiên bản mới; bản của họ vẫn còn trong lịch sử.",
  });
}

async function openHistory() {
  try {
    await saver.save().catch(() => {});
    const versions = await api(`${BASE}/versions`);
    $("history-rows").replaceChildren(
      ...historyRows(versions, (version) => [
        el("button", { type: "button", onclick: () => restore(version), "aria-label": `Khôi phục phiên bản ${version}` }, "Khôi phục"),
      ]),
    );
    openDialog($("history-dialog"));
  } catch (err) {
    showError(err);
  }
}

async function restore(version) {
  if (!confirm(`Khôi phục phiên bản ${version}? Bản hiện tại vẫn còn trong lịch sử.`)) return;
  try {
    await saver.flush();
    const out = await api(`${BASE}/versions/${version}/restore`, { method: "POST", ifMatch: etag(saver.version) });
    $("history-dialog").close();
    load(out);
    showInfo(`Đã khôi phục phiên bản ${version} thành phiên bản ${out.version}.`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 412) return onConflict();
    showError(err);
  }
}


// --- start ---------------------------------------------------------------------------------------------------

async function start() {
  const [, recording, config, current] = await Promise.all([
    initPage(),
    api(`/recordings/${RID}`),
    api("/minutes/config"),
    api(BASE).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }),
  ]);
  const name = recording.title || recording.filename;
  document.title = `Biên bản · ${name} · gobang`;
  $("title").textContent = `Biên bản: ${name}`;
  $("open-transcript").href = `/ui/editor/${RID}`;
  $("generator-label").hidden = config.generators.length < 2;
  for (const option of $("generator").options) option.hidden = !config.generators.includes(option.value);
  $("generator").value = config.default;
  load(current);
  $("minutes").addEventListener("input", onInput);
  $("minutes").addEventListener("submit", (e) => e.preventDefault());
  $("generate").addEventListener("click", generateAll);
  $("open-history").addEventListener("click", openHistory);
  for (const b of document.querySelectorAll("[data-export]")) b.addEventListener("click", () => exportSaved(saver, `${BASE}/export?format=${b.dataset.export}`));
  window.addEventListener("beforeunload", (event) => {
    if (saver.dirty) event.preventDefault();
  });
  document.body.dataset.ready = "true";
}

start().catch(showError);
