// Recordings list: search and filters, paging, and each job's status and progress updated live (SSE).
import { api, showError } from "./api.js";
import { el, formatDate, formatTime, JOB_STATUS } from "./dom.js";
import { initPage } from "./layout.js";
import { pager } from "./paging.js";
import { followJob } from "./versioned.js";

const PAGE = 25;
const rows = document.getElementById("rows");
const summary = document.getElementById("summary");
const form = document.getElementById("filters");
const paging = pager(form, PAGE, load);
let following = new AbortController();

function statusCell(job, hasTranscript) {
  const cell = el("td", { class: "job" });
  if (!job) {
    cell.append(el("span", { class: "status" }, hasTranscript ? "Có bản gỡ băng" : "Chưa xử lý"));
    return cell;
  }
  updateStatus(cell, job);
  return cell;
}

function updateStatus(cell, job) {
  const label = JOB_STATUS[job.status] || job.status;
  const parts = [el("span", { class: `status ${job.status}` }, label)];
  if (job.status === "running" || job.status === "queued") {
    const pct = Math.round((job.progress || 0) * 100);
    parts.push(" ", el("progress", { max: "100", value: String(pct), "aria-label": `Tiến độ ${pct}%` }), ` ${pct}%`);
  }
  if (job.status === "failed" && job.error) parts.push(el("div", { class: "muted" }, job.error));
  cell.replaceChildren(...parts);
}

/** Live status of a running job; when it succeeds, the row links to the editor and the minutes. */
function follow(jobId, cell, row, recordingId) {
  followJob(jobId, (job) => updateStatus(cell, job), following.signal)
    .then((job) => {
      if (job.status === "succeeded") row.querySelector("span.open")?.replaceWith(openLink(recordingId), " ", minutesLink(recordingId));
    })
    .catch(() => {}); // the status stays as last seen
}

function openLink(id) {
  return el("a", { class: "button open", href: `/ui/editor/${id}` }, "Mở trình sửa");
}

function minutesLink(id) {
  return el("a", { class: "button", href: `/ui/minutes/${id}` }, "Biên bản");
}

async function load() {
  following.abort(); // the rows of the page before stop following their jobs
  following = new AbortController();
  const { offset } = paging;
  const params = new URLSearchParams({ limit: PAGE, offset });
  for (const [key, value] of new FormData(form)) if (value) params.set(key, value);
  const page = await api(`/recordings?${params}`);
  summary.textContent = page.total
    ? `${page.total} bản ghi; đang xem ${offset + 1}–${offset + page.items.length}.`
    : "Không có bản ghi nào.";
  document.getElementById("prev").disabled = offset === 0;
  document.getElementById("next").disabled = offset + page.items.length >= page.total;
  rows.replaceChildren(
    ...page.items.map((r) => {
      const job = r.latest_job;
      const cell = statusCell(job, r.transcript_version);
      const action = r.transcript_version ? openLink(r.id) : el("span", { class: "open muted" }, "—");
      const minutes = r.transcript_version ? minutesLink(r.id) : "";
      const row = el(
        "tr",
        { dataset: { id: r.id } },
        el("td", {}, el("strong", {}, r.title || r.filename), el("div", { class: "muted" }, r.filename)),
        el("td", {}, r.meeting_date || ""),
        el("td", {}, r.body || ""),
        el("td", {}, r.duration ? formatTime(r.duration) : ""),
        cell,
        el("td", {}, action, " ", minutes, el("div", { class: "muted" }, formatDate(r.created_at))),
      );
      if (job && (job.status === "queued" || job.status === "running")) follow(job.id, cell, row, r.id);
      return row;
    }),
  );
}

initPage().then(load).catch(showError);
