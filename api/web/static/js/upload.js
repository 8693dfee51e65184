// Upload with the meeting's metadata (POST /recordings, multipart); the job starts on the server.
import { showError, upload } from "./api.js";
import { initPage } from "./layout.js";

const form = document.getElementById("upload");
const bar = document.getElementById("progress");
const status = document.getElementById("upload-status");

function lines(text) {
  return String(text || "")
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const source = new FormData(form);
  const data = new FormData();
  data.append("file", source.get("file"));
  for (const key of ["title", "body", "meeting_date", "place", "chair", "secretary", "engine"]) {
    const value = String(source.get(key) || "").trim();
    if (value) data.append(key, value.normalize("NFC"));
  }
  for (const key of ["attendees", "glossary"]) for (const item of lines(source.get(key))) data.append(key, item.normalize("NFC"));
  data.append("diarize", document.getElementById("diarize").checked ? "true" : "false");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  bar.hidden = false;
  status.textContent = "Đang tải lên…";
  try {
    await upload("/recordings", data, (fraction) => (bar.value = Math.round(fraction * 100)));
    status.textContent = "Đã tải lên; đang gỡ băng.";
    location.assign("/ui/");
  } catch (err) {
    status.textContent = "";
    showError(err);
  } finally {
    button.disabled = false;
  }
});

initPage().catch(showError);
