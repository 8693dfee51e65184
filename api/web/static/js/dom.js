// Small DOM and formatting helpers shared by the pages.

/** el("button", {class: "primary", onclick}, "Lưu") -> an element; attributes starting with "on" are listeners. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) node.append(child);
  }
  return node;
}

/** 3725.4 -> "1:02:05" (hh:mm:ss, or mm:ss under an hour); `tenths` adds ".4". */
export function formatTime(seconds, tenths = false) {
  const s = Math.max(0, seconds || 0);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  const pad = (n) => String(n).padStart(2, "0");
  let out = h ? `${h}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
  if (tenths) out += `.${Math.floor((s * 10) % 10)}`;
  return out;
}

export function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("vi-VN");
}

export const JOB_STATUS = {
  queued: "Đang chờ",
  running: "Đang xử lý",
  succeeded: "Xong",
  failed: "Lỗi",
  cancelled: "Đã hủy",
};

/** A modal <dialog> that resolves to the value of the button pressed (or null on Escape). */
export function openDialog(dialog) {
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener("close", done);
      resolve(dialog.returnValue || null);
    };
    dialog.returnValue = "";
    dialog.addEventListener("close", done);
    dialog.showModal();
  });
}
