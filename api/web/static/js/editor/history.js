// The history of a transcript: its versions, what changed between two, and restoring one.
import { api, ApiError, showError, showInfo } from "../api.js";
import { el, openDialog } from "../dom.js";
import { etag, historyRows } from "../versioned.js";

const $ = (id) => document.getElementById(id);
const OPS = { added: "Thêm", removed: "Xóa", changed: "Sửa" };

/** Show a `/diff` answer in `container`: each changed segment, words inserted and deleted, speaker changes. */
export function renderDiff(container, diff) {
  const items = diff.changes.map((c) => {
    const head = el("div", { class: "muted" }, `${OPS[c.op]} đoạn ${(c.after ?? c.before) + 1}`, c.fields?.length ? ` (${c.fields.join(", ")})` : "");
    const body = el("div", {});
    if (c.words) for (const [op, text] of c.words) body.append(op === "equal" ? text : el(op === "insert" ? "ins" : "del", {}, text), " ");
    else body.append((c.new || c.old)?.text || "");
    if (c.fields?.includes("speaker")) body.append(el("div", { class: "muted" }, `Người nói: ${c.old?.speaker ?? "—"} → ${c.new?.speaker ?? "—"}`));
    return el("div", { class: "change" }, head, body);
  });
  container.replaceChildren(
    el("p", {}, `Từ phiên bản ${diff.from_version} đến ${diff.to_version}: ${diff.changes.length} đoạn khác nhau.`),
    ...items,
  );
}

export class History {
  /** `editor`: { base, model(), saver(), redrawAll(), onConflict() } — `base` is the transcript's URL. */
  constructor(editor) {
    this.editor = editor;
  }

  async open() {
    try {
      await this.editor.saver().save().catch(() => {});
      const versions = await api(`${this.editor.base}/versions`);
      $("history-diff").replaceChildren();
      $("history-rows").replaceChildren(
        ...historyRows(versions, (version) => [
          el("button", { type: "button", onclick: () => this.showDiff(version) }, "Xem khác biệt"),
          el("button", { type: "button", onclick: () => this.restore(version) }, "Khôi phục"),
        ]),
      );
      openDialog($("history-dialog"));
    } catch (err) {
      showError(err);
    }
  }

  async showDiff(version) {
    try {
      renderDiff($("history-diff"), await api(`${this.editor.base}/diff?from=${version}&to=${this.editor.model().version}`));
    } catch (err) {
      showError(err);
    }
  }

  async restore(version) {
    if (!confirm(`Khôi phục phiên bản ${version}? Bản hiện tại vẫn còn trong lịch sử.`)) return;
    const { editor } = this;
    const model = editor.model();
    const saver = editor.saver();
    try {
      await saver.flush();
      const out = await api(`${editor.base}/versions/${version}/restore`, { method: "POST", ifMatch: etag(model.version) });
      model.load(out.transcript, out.version);
      saver.reset(out.version);
      $("history-dialog").close();
      editor.redrawAll();
      saver.showSaved();
      showInfo(`Đã khôi phục phiên bản ${version} thành phiên bản ${out.version}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) return editor.onConflict();
      showError(err);
    }
  }
}
