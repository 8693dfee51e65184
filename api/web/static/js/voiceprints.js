// Enrolled voiceprints: list and delete (enrolment happens from the editor's speaker panel).
import { api, showError, showInfo } from "./api.js";
import { el, formatDate, formatTime } from "./dom.js";
import { initPage } from "./layout.js";

const body = document.getElementById("people");

async function load() {
  const people = await api("/voiceprints");
  document.getElementById("empty").hidden = people.length > 0;
  body.replaceChildren(
    ...people.map((p) =>
      el(
        "tr",
        {},
        el("td", {}, p.name),
        el("td", {}, formatTime(p.seconds)),
        el("td", {}, String(p.segments)),
        el("td", {}, formatDate(p.created_at)),
        el(
          "td",
          {},
          el("button", { class: "danger", type: "button", "aria-label": `Xóa giọng của ${p.name}`, onclick: () => remove(p) }, "Xóa"),
        ),
      ),
    ),
  );
}

async function remove({ name, org_unit_id: unit }) {
  if (!confirm(`Xóa giọng nói đã ghi danh của “${name}”?`)) return;
  try {
    // The same name may be enrolled in several units (an admin sees them all): say whose.
    const where = unit == null ? "" : `?org_unit_id=${unit}`;
    await api(`/voiceprints/${encodeURIComponent(name)}${where}`, { method: "DELETE" });
    showInfo(`Đã xóa giọng của ${name}.`);
    await load();
  } catch (err) {
    showError(err);
  }
}

initPage().then(load).catch(showError);
