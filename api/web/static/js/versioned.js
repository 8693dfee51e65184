// What every page editing a versioned document (transcript, minutes) shares: ETags, autosave with
// If-Match, the history table, downloads, and following a job to its end.
//
//   new Autosaver({status, revision, put, onConflict})  -> schedule() after each change, save(), flush()
//   resolveConflict(saver, {url, dialog, ...})          -> after a 412: ask the clerk, load theirs or save mine
//   watchForNewer(saver, {url, useTheirs})               -> notices another clerk's save without waiting for a 412
//   historyRows(versions, actions)                       -> <tr>s of the history dialog
//   exportSaved(saver, href)                             -> saves, then the browser downloads the file
//   followJob(jobId, onEvent, signal)                    -> resolves to the finished job (SSE /jobs/{id}/events)
import { api, ApiError, showError, showInfo } from "./api.js";
import { el, formatDate, openDialog } from "./dom.js";

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

/** Someone else saved since `saver.version` (a 412, from an autosave or any other If-Match request).
 *
 * The status says so, `text` (in `dialog`) tells who saved which version, plus `note`, and the clerk
 * chooses with the dialog's buttons: "theirs" runs `useTheirs(theirs)` (the page loads their version);
 * "mine" runs `keepMine(theirs)` (the page puts its changes on top of theirs and counts them as a change),
 * then saves with their version's ETag and shows `savedMine`. Any other button runs `other(choice, theirs)`
 * and asks again, as Escape does: nothing is overwritten silently. One dialog at a time per `saver`.
 * `theirs` is the document at `url` (GET: `version`, `author`, `created_at` and the document). */
export async function resolveConflict(saver, { url, dialog, text, note = "", useTheirs, keepMine, savedMine, other }) {
  if (saver.conflicting) return;
  saver.conflicting = true;
  saver.status.classList.add("error");
  saver.status.textContent = "Xung đột: người khác vừa lưu";
  try {
    const theirs = await api(url);
    text.textContent =
      `${theirs.author} đã lưu phiên bản ${theirs.version} (${formatDate(theirs.created_at)}) trong lúc bạn đang sửa ` +
      `phiên bản ${saver.version}. Thay đổi của bạn chưa được lưu và chưa mất.${note ? ` ${note}` : ""}`;
    for (;;) {
      const choice = await openDialog(dialog);
      if (choice === "theirs") {
        useTheirs(theirs);
        saver.reset(theirs.version);
        showInfo(`Đã tải phiên bản ${theirs.version} của ${theirs.author}.`);
      } else if (choice === "mine") {
        keepMine(theirs);
        saver.version = theirs.version; // save mine on top of theirs, knowingly
        saver.conflicting = false; // a newer conflict while saving asks again
        await saver.save();
        if (!saver.dirty) showInfo(savedMine);
      } else {
        try {
          if (choice) await other?.(choice, theirs);
        } catch (err) {
          showError(err); // and ask again
        }
        continue;
      }
      break;
    }
  } catch (err) {
    showError(err);
  } finally {
    saver.conflicting = false;
    saver.showSaved();
  }
}

/** Another clerk's save, noticed before mine runs into it: every `every` ms, and whenever the page regains
 * focus, `url` is asked with If-None-Match (a 304 costs nothing). A newer version is loaded at once
 * (`useTheirs(theirs)`) when nothing here is unsaved; otherwise the status says so, and the next save
 * meets the 412 and asks the clerk. Returns a function that stops watching. */
export function watchForNewer(saver, { url, useTheirs, every = 20000 }) {
  const check = async () => {
    if (document.hidden || saver.saving || saver.conflicting || !saver.version) return;
    let theirs;
    try {
      theirs = await api(url, { ifNoneMatch: etag(saver.version) });
    } catch {
      return; // offline or signed out: the next save says so
    }
    if (!theirs || theirs.version <= saver.version || saver.conflicting) return;
    if (!saver.dirty) {
      useTheirs(theirs);
      saver.reset(theirs.version);
      showInfo(`${theirs.author} vừa lưu phiên bản ${theirs.version}; trang đã tải bản mới.`);
    } else {
      saver.status.classList.add("error");
      saver.status.textContent = `${theirs.author} vừa lưu phiên bản ${theirs.version}; khi lưu, bạn sẽ được hỏi giữ bản nào`;
    }
  };
  const timer = setInterval(check, every);
  addEventListener("focus", check);
  return () => {
    clearInterval(timer);
    removeEventListener("focus", check);
  };
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

/** Save first (an export is of what the clerk sees), then the browser downloads `href`. */
export async function exportSaved(saver, href) {
  try {
    await saver.flush();
  } catch (err) {
    return showError(err);
  }
  const link = el("a", { href, download: "" });
  document.body.append(link);
  link.click();
  link.remove();
}

/** Follow a job through its server-sent events until it ends; `onEvent(job)` on each change. A broken
 * stream (a restart, a lost connection) is picked up again; `signal` stops following (the promise then
 * never settles). */
export function followJob(jobId, onEvent, signal) {
  const url = `/jobs/${encodeURIComponent(jobId)}`;
  return new Promise((resolve, reject) => {
    const source = new EventSource(`${url}/events`);
    const stop = () => source.close();
    signal?.addEventListener("abort", stop, { once: true });
    const again = () =>
      setTimeout(() => signal?.aborted || followJob(jobId, onEvent, signal).then(resolve, reject), 2000);
    source.addEventListener("job", (event) => onEvent(JSON.parse(event.data)));
    source.addEventListener("end", (event) => {
      source.close();
      signal?.removeEventListener("abort", stop);
      const job = JSON.parse(event.data);
      onEvent(job);
      resolve(job);
    });
    source.onerror = () => {
      source.close();
      signal?.removeEventListener("abort", stop);
      if (signal?.aborted) return;
      api(url, { signal }).then(
        (job) => {
          if (!["succeeded", "failed", "cancelled"].includes(job.status)) return again();
          onEvent(job);
          resolve(job);
        },
        (err) => {
          if (err instanceof ApiError && err.status === 0) again(); // the server is away: try again
          else if (err.name !== "AbortError") reject(err);
        },
      );
    };
  });
}
