// Re-timing of edited words within their segment: the clerk edits text, timings must survive.
//
// The new text is split into words and aligned with the old words (longest common subsequence
// on a folded form: lower case, no punctuation, NFC). A word that is still there keeps its start,
// end, confidence and speaker; a new or changed word gets a share of the time between the kept
// words around it, in proportion to its length, within the segment's bounds. Typed words get
// confidence 1: a person wrote them.

const EDGE_PUNCT = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
const MAX_CELLS = 400_000; // above this the LCS table is too big; anchor common prefix and suffix only

export function tokens(text) {
  return String(text).normalize("NFC").split(/\s+/u).filter(Boolean);
}

function key(word) {
  return word.normalize("NFC").toLocaleLowerCase("vi").replace(EDGE_PUNCT, "");
}

/** Pairs [i, j] of old index i and new index j that stay the same word, in order. */
export function align(oldKeys, newKeys) {
  const n = oldKeys.length;
  const m = newKeys.length;
  let head = 0;
  while (head < n && head < m && oldKeys[head] === newKeys[head]) head++;
  let tail = 0;
  while (tail < n - head && tail < m - head && oldKeys[n - 1 - tail] === newKeys[m - 1 - tail]) tail++;
  const pairs = [];
  for (let k = 0; k < head; k++) pairs.push([k, k]);
  const a = oldKeys.slice(head, n - tail);
  const b = newKeys.slice(head, m - tail);
  if (a.length && b.length && a.length * b.length <= MAX_CELLS) {
    const w = b.length + 1;
    const table = new Uint32Array((a.length + 1) * w);
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        table[i * w + j] = a[i] === b[j] ? table[(i + 1) * w + j + 1] + 1 : Math.max(table[(i + 1) * w + j], table[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        pairs.push([head + i, head + j]);
        i++;
        j++;
      } else if (table[(i + 1) * w + j] >= table[i * w + j + 1]) i++;
      else j++;
    }
  }
  for (let k = tail; k > 0; k--) pairs.push([n - k, m - k]);
  return pairs;
}

const round = (t) => Math.round(t * 1000) / 1000;

/**
 * Words for `newText` in a segment that had `oldWords`, spanning [segStart, segEnd].
 * Returns [{text, start, end, confidence, speaker}] with non-decreasing times inside the segment.
 */
export function retimeWords(oldWords, newText, segStart, segEnd, speaker = null) {
  const texts = tokens(newText);
  if (!texts.length) return [];
  const pairs = align(oldWords.map((w) => key(w.text)), texts.map(key));
  const out = new Array(texts.length);
  for (const [i, j] of pairs) {
    const w = oldWords[i];
    out[j] = { text: texts[j], start: w.start, end: w.end, confidence: w.confidence ?? 1, speaker: w.speaker ?? speaker };
  }
  let j = 0;
  while (j < texts.length) {
    if (out[j]) {
      j++;
      continue;
    }
    let k = j;
    while (k < texts.length && !out[k]) k++; // run [j, k) of new words without timing
    const from = Math.max(segStart, j > 0 ? out[j - 1].end : segStart);
    const to = Math.max(from, Math.min(segEnd, k < texts.length ? out[k].start : segEnd));
    const weights = texts.slice(j, k).map((t) => t.length + 1);
    const total = weights.reduce((x, y) => x + y, 0);
    let t = from;
    for (let q = j; q < k; q++) {
      const end = q === k - 1 ? to : t + ((to - from) * weights[q - j]) / total;
      out[q] = { text: texts[q], start: round(t), end: round(Math.max(t, end)), confidence: 1, speaker };
      t = end;
    }
    j = k;
  }
  return out;
}

/**
 * Words as the segment's text shows them. The text is the written form ("Nghỉ 49 ngày.") and the words may
 * keep the spoken form ("nghỉ bốn mươi chín ngày") with their timings: each written token takes the timing
 * of the spoken word it matches, or a share of the time of those it replaces.
 */
export function shownWords(seg) {
  const texts = tokens(seg.text);
  if (texts.length === seg.words.length) return seg.words.map((w, j) => ({ ...w, text: texts[j] }));
  return retimeWords(seg.words, seg.text, seg.start, seg.end, seg.speaker);
}
