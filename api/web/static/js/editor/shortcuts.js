// Keyboard shortcuts of the editor: defaults, the clerk's own choices (localStorage), and key names.
// They work while typing because every default uses Alt, Ctrl or a key text never needs (Escape).

export const STORAGE_KEY = "gobang.editor.shortcuts";

export const ACTIONS = {
  playPause: ["Phát / tạm dừng", "Escape"],
  back: ["Lùi lại vài giây", "Alt+KeyJ"],
  forward: ["Tiến tới vài giây", "Alt+KeyL"],
  slower: ["Chậm hơn", "Alt+Comma"],
  faster: ["Nhanh hơn", "Alt+Period"],
  split: ["Tách đoạn tại con trỏ", "Alt+Enter"],
  merge: ["Gộp với đoạn trước", "Alt+Backspace"],
  reviewed: ["Đánh dấu đã duyệt", "Alt+KeyR"],
  speaker: ["Chọn người nói của đoạn", "Alt+KeyP"],
  nextSegment: ["Đoạn sau", "Alt+ArrowDown"],
  prevSegment: ["Đoạn trước", "Alt+ArrowUp"],
  playing: ["Về đoạn đang phát", "Alt+KeyG"],
  find: ["Tìm và thay thế", "Ctrl+KeyF"],
  save: ["Lưu ngay", "Ctrl+KeyS"],
  history: ["Lịch sử phiên bản", "Alt+KeyH"],
  help: ["Phím tắt", "Alt+Slash"],
};

/** "Ctrl+Alt+KeyJ" for a keydown event: modifiers in a fixed order, then the physical key (layout-proof). */
export function comboOf(event) {
  const parts = [];
  if (event.ctrlKey) parts.push("Ctrl");
  if (event.metaKey) parts.push("Meta");
  if (event.altKey) parts.push("Alt");
  if (event.shiftKey) parts.push("Shift");
  parts.push(event.code || event.key);
  return parts.join("+");
}

/** "Alt+KeyJ" -> "Alt+J" for people. */
export function label(combo) {
  return combo
    .split("+")
    .map((p) => p.replace(/^Key/, "").replace(/^Digit/, "").replace("Comma", ",").replace("Period", ".").replace("Slash", "/"))
    .join("+");
}

export function loadShortcuts() {
  const map = Object.fromEntries(Object.entries(ACTIONS).map(([action, [, combo]]) => [action, combo]));
  try {
    Object.assign(map, JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}"));
  } catch {
    /* a damaged entry falls back to the defaults */
  }
  return map;
}

export function saveShortcuts(map) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(map));
}

/** combo -> action, for the keydown handler. */
export function byCombo(map) {
  return new Map(Object.entries(map).map(([action, combo]) => [combo, action]));
}
