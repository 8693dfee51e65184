// Voice login: ask for a phrase, read it aloud, send the recording; signed-in users enrol their voice here.
import { api, nextPage, upload } from "./api.js";
import { record } from "./mic.js";

const $ = (id) => document.getElementById(id);
let challenge = null;
let recording = null;

function show(next) {
  challenge = next;
  $("phrase").textContent = next.display;
  $("phrase-box").hidden = false;
  $("speak").disabled = false;
  document.body.dataset.phrase = next.phrase;
}

$("ask").addEventListener("click", async () => {
  $("login-error").textContent = "";
  $("login-status").textContent = "";
  recording?.stop(); // a new phrase: what was read for the old one is dropped, and the microphone goes off
  recording = null;
  $("done").disabled = true;
  delete document.body.dataset.second;
  try {
    show(await api("/auth/voice/challenge", { method: "POST", json: { username: $("username").value } }));
  } catch (err) {
    $("login-error").textContent = err.message;
  }
});

$("speak").addEventListener("click", async () => {
  $("speak").disabled = true; // one microphone at a time
  try {
    recording = await record((seconds) => {
      document.body.dataset.recorded = seconds.toFixed(1);
      $("login-status").textContent = `Đang ghi (${seconds.toFixed(0)} giây)… đọc xong bấm “Xong”.`;
    });
    $("done").disabled = false;
  } catch (err) {
    $("speak").disabled = false;
    $("login-error").textContent = "Không mở được micrô: " + err.message;
  }
});

$("done").addEventListener("click", async () => {
  $("done").disabled = true;
  const form = new FormData();
  form.append("username", $("username").value);
  form.append("challenge_id", challenge.challenge_id);
  form.append("audio", recording.stop(), "login.wav");
  recording = null;
  $("login-status").textContent = "Đang kiểm tra giọng nói…";
  try {
    await upload("/auth/voice/login", form);
    location.assign(nextPage());
  } catch (err) {
    if (err.status === 401 && err.problem.reason === "second_utterance") {
      // the voice was close to the threshold: one more phrase decides, with the first utterance's score
      show(err.problem.challenge);
      document.body.dataset.second = "true";
      $("login-status").textContent = "Giọng nói gần khớp nhưng chưa đủ chắc chắn: hãy bấm “Bắt đầu đọc” rồi đọc thêm cụm số mới ở trên.";
      return;
    }
    $("login-status").textContent = "";
    $("login-error").textContent =
      err.status === 401 ? "Không xác thực được giọng nói hoặc cụm số. Hãy nhận cụm số mới và thử lại." : err.message;
    $("phrase-box").hidden = true;
    challenge = null;
  }
});

// enrolment, for a signed-in user: one take per sentence shown
const takes = [];
const needed = document.querySelectorAll("#sentences li").length;
let take = null;

$("take").addEventListener("click", async () => {
  $("enrol-error").textContent = "";
  $("take").disabled = true; // one microphone at a time
  try {
    take = await record();
  } catch (err) {
    $("take").disabled = false;
    $("enrol-error").textContent = "Không mở được micrô: " + err.message;
    return;
  }
  $("take-done").disabled = false;
  $("enrol-status").textContent = `Đang ghi câu ${takes.length + 1}…`;
});

$("take-done").addEventListener("click", () => {
  takes.push(take.stop());
  $("take-done").disabled = true;
  $("take").disabled = takes.length >= needed;
  $("take").textContent = `Ghi câu ${Math.min(takes.length + 1, needed)}`;
  $("enrol").disabled = takes.length < needed;
  $("enrol-status").textContent = `Đã ghi ${takes.length}/${needed} câu.`;
});

$("enrol").addEventListener("click", async () => {
  const form = new FormData();
  takes.forEach((blob, i) => form.append("files", blob, `cau-${i + 1}.wav`));
  $("enrol-error").textContent = "";
  $("enrol").disabled = true;
  $("enrol-status").textContent = "Đang ghi danh…";
  try {
    const done = await upload("/auth/voice/enrol", form);
    $("enrol-status").textContent = `Đã ghi danh giọng nói (${done.seconds} giây lời nói).`;
  } catch (err) {
    $("enrol-status").textContent = "";
    $("enrol-error").textContent = err.message;
    if (err.status === 0 || err.status >= 500) {
      $("enrol").disabled = false; // the recordings were fine: send them again
      return;
    }
  }
  takes.length = 0;
  $("take").disabled = false;
  $("take").textContent = "Ghi câu 1";
});

api("/auth/me")
  .then((me) => {
    $("enrol-section").hidden = false;
    $("username").value = me.name;
  })
  .catch(() => {})
  .finally(() => (document.body.dataset.ready = "true"));
