// What every page editing a versioned document (transcript, minutes) shares: ETags, autosave with
// If-Match, the history table, downloads, and following a job to its end.
//
//   new Autosaver({status, revision, put, onConflict})  -> schedule() after each change, save(), flush()
//   historyRows(versions, {restore})                     -> <tr>s of the history dialog
//   download(href)                                       -> the browser downloads the file
//   followJob(jobId, onEvent)                            -> resolves to the finished job (SSE /jobs/{id}/events)
import { api, ApiError } from "./api.js";
import { el, formatDate } from "./dom.js";

export const etag = (version) => `"v${version}"`;

/** Saves a document after a pause in typing, with If-Match of the version it was made from.
 *
 * `revision()` grows with every change; `put(ifMatch)` sends the current state and resolves to the
 * server's answer (with `version`); a 412 goes to `onConflict()`; a lost connection is retried.
 * `prepare()` runs before each save (the editor folds typed text into its model); `busy()` says
 * whether there are changes `revision()` does not count yet. */
export class Autosaver {
  constructor({ status, revision, put, onConflict, version = 0, delay = 1200, busy = () => false, prepare = () => {} }) {
    Object.assign(this, { status, revision, put, onConflict, version, delay, busy, prepare });
    this.savedRevision = revision();
    this.timer = 0;
    this.saving = null;
  }

  get dirty() {
    return this.revision() !== this.savedRevision || this.busy();
  }

  /** After a load (theirs, a restore, a generation): the page now shows `version`, unchanged. */
  reset(version) {
    this.version = version;
    this.savedRevision = this.revision();
    this.showSaved();
  }

  showSaved() {
    const text = this.dirty ? "Chưa lưu…" : `Đã lưu · phiên bản ${this.version}`;
    if (this.status.textContent !== text || this.status.classList.contains("error")) {
      this.status.classList.remove("error");
      this.status.textContent = text; // written only when it changes: typing must not relayout the toolbar
    }
  }

  schedule() {
    this.showSaved();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save().catch(() => {}), this.delay);
  }

  /** Save now if anything changed; resolves once the server has it (or rejects). */
  async save() {
    clearTimeout(this.timer);
    if (this.saving) await this.saving.catch(() => {});
    this.prepare();
    if (this.revision() === this.savedRevision) return this.showSaved();
    const revision = this.revision();
    this.status.textContent = "Đang lưu…";
    this.saving = this.put(etag(this.version));
    try {
      const out = await this.saving;
      this.version = out.version;
      this.savedRevision = revision;
      this.showSaved();
      if (this.revision() !== revision) this.schedule();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) return this.onConflict();
      this.status.classList.add("error");
      this.status.textContent = err.status === 0 ? "Mất kết nối; sẽ thử lưu lại…" : `Chưa lưu được: ${err.message}`;
      if (err.status === 0 || err.status >= 500) this.timer = setTimeout(() => this.save().catch(() => {}), 5000);
      throw err;
    } finally {
      this.saving = null;
    }
  }

  /** Save, and fail unless everything is saved (before an export, a restore, a generation). */
  async flush() {
    await this.save();
    if (this.dirty) throw new Error("Chưa lưu được; hãy thử lại.");
  }
}

/** Rows of a history table: version (and comment), author, time, and the page's actions on old versions. */
export function historyRows(versions, actions) {
  return versions.map((v) =>
    el(
      "tr",
      {},
      el("td", {}, `${v.version}${v.current ? " (hiện tại)" : ""}`, v.comment ? el("div", { class: "muted" }, v.comment) : ""),
      el("td", {}, v.author),
      el("td", {}, formatDate(v.created_at)),
      el("td", {}, ...(v.current ? [] : actions(v.version))),
    ),
  );
}

export function download(href) {
  const link = el("a", { href, download: "" });
  document.body.append(link);
  link.click();
  link.remove();
}

/** Follow a job through its server-sent events until it ends; `onEvent(job)` on each change. */
export function followJob(jobId, onEvent) {
  return new Promise((resolve, reject) => {
    const source = new EventSource(`/jobs/${encodeURIComponent(jobId)}/events`);
    source.addEventListener("job", (event) => onEvent(JSON.parse(event.data)));
    source.addEventListener("end", (event) => {
      source.close();
      const job = JSON.parse(event.data);
      onEvent(job);
      resolve(job);
    });
    source.onerror = () => {
      source.close();
      api(`/jobs/${encodeURIComponent(jobId)}`).then((job) => {
        if (["succeeded", "failed", "cancelled"].includes(job.status)) return resolve(job);
        setTimeout(() => followJob(jobId, onEvent).then(resolve, reject), 2000); // the stream broke: reconnect
      }, reject);
    };
  });
}
