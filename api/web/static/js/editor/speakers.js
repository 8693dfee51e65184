// The speakers of a transcript: the panel (rename, merge, enrol a voice) and choosing a segment's speaker.
import { api, showError, showInfo } from "../api.js";
import { el, openDialog } from "../dom.js";

const $ = (id) => document.getElementById(id);

/** Ask for one line of text in the prompt dialog (NFC, trimmed); null when cancelled or empty. */
export async function askText(title, labelText, value = "", options = []) {
  $("prompt-title").textContent = title;
  $("prompt-label").textContent = labelText;
  const input = $("prompt-input");
  input.value = value;
  $("prompt-options").replaceChildren(...options.map((o) => el("option", { value: o })));
  setTimeout(() => input.select(), 0);
  const answer = await openDialog($("prompt-dialog"));
  const text = input.value.normalize("NFC").trim();
  return answer === "ok" && text ? text : null;
}

export class Speakers {
  /** `editor`: { model(), indexOf(id), redrawAll(), commitPending(), scheduleSave(), flush(), showSaved(), status,
   * recordingId }. */
  constructor(editor) {
    this.editor = editor;
  }

  /** A segment's speaker was chosen in its row; "__new__" asks for a new name. */
  async chosen(id, select) {
    const { editor } = this;
    const model = editor.model();
    const i = editor.indexOf(id);
    let name = select.value;
    if (name === "__new__") {
      name = await askText("Người nói mới", "Họ tên người nói");
      if (!name) {
        select.value = model.segments[i].speaker || "";
        return;
      }
      model.addSpeaker(name);
    }
    model.setSpeaker(i, name);
    editor.redrawAll();
    editor.scheduleSave();
  }

  async add() {
    const name = await askText("Thêm người nói", "Họ tên người nói");
    if (name) {
      this.editor.model().addSpeaker(name);
      this.editor.redrawAll();
    }
  }

  async rename(name) {
    const { editor } = this;
    const model = editor.model();
    const to = await askText(`Đổi tên “${name}”`, "Tên mới (trùng tên một người nói khác thì hai người được gộp)", name, model.speakers);
    if (!to || to === name) return;
    editor.commitPending();
    const n = model.renameSpeaker(name, to);
    editor.redrawAll();
    editor.scheduleSave();
    showInfo(`Đã đổi “${name}” thành “${to}” ở ${n} đoạn.`);
  }

  async mergeInto(name) {
    const { editor } = this;
    const model = editor.model();
    const others = model.speakers.filter((s) => s !== name);
    const to = await askText(`Gộp “${name}” vào…`, "Người nói nhận các đoạn", others[0] || "", others);
    if (!to || to === name) return;
    if (!others.includes(to)) return showInfo("Hãy chọn một người nói có sẵn; để đặt tên mới, dùng “Đổi tên”.");
    editor.commitPending();
    model.renameSpeaker(name, to);
    editor.redrawAll();
    editor.scheduleSave();
  }

  async enrol(name) {
    const { editor } = this;
    if (/^Người nói \d+$/u.test(name) && !confirm(`“${name}” chưa có tên thật. Vẫn ghi danh giọng dưới tên này?`)) return;
    try {
      await editor.flush();
      editor.status.textContent = `Đang ghi danh giọng của ${name}…`;
      const person = await api("/voiceprints", { method: "POST", json: { recording_id: editor.recordingId, speaker: name } });
      showInfo(`Đã ghi danh giọng của ${person.name} (${Math.round(person.seconds)} giây).`);
    } catch (err) {
      showError(err);
    } finally {
      editor.showSaved();
    }
  }

  render() {
    const counts = this.editor.model().speakerCounts();
    $("speaker-list").replaceChildren(
      ...[...counts].map(([name, n]) =>
        el(
          "li",
          {},
          el("span", { class: "name" }, name),
          el("span", { class: "muted" }, `${n} đoạn`),
          el("div", {},
            el("button", { type: "button", "aria-label": `Đổi tên ${name}`, onclick: () => this.rename(name) }, "Đổi tên"),
            el("button", { type: "button", "aria-label": `Gộp ${name} vào người khác`, onclick: () => this.mergeInto(name) }, "Gộp vào…"),
            el("button", { type: "button", "aria-label": `Ghi danh giọng của ${name}`, onclick: () => this.enrol(name) }, "Ghi danh giọng"),
          ),
        ),
      ),
    );
  }
}
