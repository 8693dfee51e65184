// Find and replace that treats Vietnamese correctly: NFC, optionally ignoring diacritics (and đ/d),
// optionally case-sensitive, optionally whole words only (letters with their marks count as word characters).

/** A folded copy of `text` of the same length, so match positions map back one to one. */
export function fold(text, { diacritics = false, caseSensitive = false } = {}) {
  let out = text.normalize("NFC");
  if (!diacritics) {
    out = Array.from(out, (ch) => {
      const bare = ch.normalize("NFD").replace(/\p{M}/gu, "");
      const base = bare === "đ" ? "d" : bare === "Đ" ? "D" : bare;
      return base.length === ch.length ? base : ch;
    }).join("");
  }
  return caseSensitive ? out : out.toLocaleLowerCase("vi");
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;

/** [{start, end}] of every match of `query` in `text` (indices into the NFC text). */
export function findAll(text, query, options = {}) {
  const source = text.normalize("NFC");
  const q = fold(query.normalize("NFC").trim(), options);
  if (!q) return [];
  const hay = fold(source, options);
  const hits = [];
  let at = hay.indexOf(q);
  while (at !== -1) {
    const end = at + q.length;
    const whole = !options.wholeWord || (!WORD_CHAR.test(source[at - 1] || "") && !WORD_CHAR.test(source[end] || ""));
    if (whole) hits.push({ start: at, end });
    at = hay.indexOf(q, whole ? end : at + 1);
  }
  return hits;
}

/** `text` with every match replaced; returns [newText, count]. */
export function replaceAll(text, query, replacement, options = {}) {
  const source = text.normalize("NFC");
  const hits = findAll(source, query, options);
  let out = "";
  let last = 0;
  for (const { start, end } of hits) {
    out += source.slice(last, start) + replacement.normalize("NFC");
    last = end;
  }
  return [out + source.slice(last), hits.length];
}
