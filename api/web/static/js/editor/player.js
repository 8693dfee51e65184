// The audio player of the editor: play/pause, skip, speed, and the word being spoken marked as it plays.
import { showError } from "../api.js";
import { el, formatTime } from "../dom.js";

const $ = (id) => document.getElementById(id);

export class Player {
  /** `editor`: { model(), list(), editingIndex() } — the transcript, its rows and the row being typed in (-1: none);
   * `prefs`: the clerk's settings ({ skip, autopause, follow }), saved by `savePrefs`. */
  constructor(audio, status, editor, prefs, savePrefs) {
    Object.assign(this, { audio, status, editor, prefs, savePrefs });
    this.lastWord = null;
    this.raf = 0;
  }

  /** Mark the word at the current time (and follow it when asked); cheap when it has not changed. */
  highlight() {
    const { audio, prefs } = this;
    const model = this.editor.model();
    const list = this.editor.list();
    const t = audio.currentTime;
    $("clock").textContent = `${formatTime(t, true)} / ${formatTime(audio.duration || model.doc.duration)}`;
    const [i, j] = model.at(t);
    const key = `${i}:${j}`;
    // a redrawn row loses its marks: the same word is marked again
    if (key === this.lastWord && (i < 0 || list.node(i)?.classList.contains("playing"))) return;
    document.querySelectorAll(".w.current, .seg.playing").forEach((n) => n.classList.remove("current", "playing"));
    this.lastWord = key;
    if (i < 0) return;
    const editing = this.editor.editingIndex();
    const editingElsewhere = editing !== -1 && editing !== i;
    if (prefs.follow && !audio.paused && !editingElsewhere && !list.isVisible(i)) list.reveal(i, true);
    const row = list.node(i);
    row?.classList.add("playing");
    row?.querySelector(`.w[data-i="${j}"]`)?.classList.add("current");
  }

  /** The rows were redrawn: mark the current word again. */
  redrawn() {
    this.lastWord = null;
    this.highlight();
  }

  loop() {
    this.highlight();
    this.raf = this.audio.paused ? 0 : requestAnimationFrame(() => this.loop());
  }

  togglePlay() {
    if (this.audio.paused) this.audio.play().catch(showError);
    else this.audio.pause();
  }

  skip(seconds) {
    const { audio } = this;
    audio.currentTime = Math.max(0, Math.min((audio.duration || Infinity) - 0.05, audio.currentTime + seconds));
    this.highlight();
  }

  setRate(rate) {
    const { audio } = this;
    audio.playbackRate = Math.min(3, Math.max(0.25, Math.round(rate * 100) / 100));
    const select = $("rate");
    if (![...select.options].some((o) => Number(o.value) === audio.playbackRate)) select.append(el("option", {}, String(audio.playbackRate)));
    select.value = String(audio.playbackRate);
    this.status.title = `Tốc độ ${audio.playbackRate}×`;
  }

  wire(recordingId) {
    const { audio, prefs } = this;
    audio.src = `/recordings/${encodeURIComponent(recordingId)}/audio`;
    audio.addEventListener("play", () => {
      $("play").textContent = "Tạm dừng";
      if (!this.raf) this.raf = requestAnimationFrame(() => this.loop());
    });
    audio.addEventListener("pause", () => ($("play").textContent = "Phát"));
    audio.addEventListener("timeupdate", () => this.highlight());
    audio.addEventListener("seeked", () => this.highlight());
    $("play").addEventListener("click", () => this.togglePlay());
    $("back").addEventListener("click", () => this.skip(-prefs.skip));
    $("forward").addEventListener("click", () => this.skip(prefs.skip));
    $("rate").addEventListener("change", (e) => this.setRate(Number(e.target.value)));
    $("autopause").checked = prefs.autopause;
    $("follow").checked = prefs.follow;
    for (const key of ["autopause", "follow"]) {
      $(key).addEventListener("change", (e) => {
        prefs[key] = e.target.checked;
        this.savePrefs();
      });
    }
  }
}
