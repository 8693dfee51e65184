// The transcript being edited: the document, a flat index of word times for the player, the edit
// operations (text, split, merge, speakers, review) and the re-application of one's own edits on
// top of someone else's newer version after a conflict. No DOM here.
import { findAll, replaceAll } from "./find.js";
import { retimeWords, shownWords, tokens } from "./retime.js";

const clone = (x) => structuredClone(x);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export class TranscriptModel {
  constructor(doc, version) {
    this.load(doc, version);
  }

  /** Replace everything (first load, "reload theirs", restore). */
  load(doc, version) {
    this.doc = doc;
    this.version = version;
    this.base = clone(doc); // what the server holds at `version`
    this.revision = 0; // bumped on every change; autosave compares
    this.extraSpeakers = [];
    this.reindex();
  }

  get segments() {
    return this.doc.segments;
  }

  /** Flat word index for time lookups; rebuilt after changes that move words (cheap: 30 000 words ≈ 1 ms). */
  reindex() {
    const shown = this.segments.map((s) => (s.words.length ? shownWords(s) : []));
    let count = 0;
    for (const words of shown) count += words.length || 1;
    this.starts = new Float64Array(count);
    this.wordSeg = new Int32Array(count);
    this.wordIdx = new Int32Array(count);
    let k = 0;
    this.segments.forEach((s, i) => {
      if (!shown[i].length) {
        this.starts[k] = s.start;
        this.wordSeg[k] = i;
        this.wordIdx[k++] = -1;
      }
      shown[i].forEach((w, j) => {
        this.starts[k] = w.start;
        this.wordSeg[k] = i;
        this.wordIdx[k++] = j;
      });
    });
    this.indexById = new Map(this.segments.map((s, i) => [s.id, i]));
  }

  /** [segment index, word index] of what is said at time t (the last word started at or before t). */
  at(t) {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (hi < 0 || t < this.starts[0]) return [-1, -1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return [this.wordSeg[lo], this.wordIdx[lo]];
  }

  changed() {
    this.revision++;
  }

  get speakers() {
    const seen = new Set();
    for (const s of this.segments) if (s.speaker) seen.add(s.speaker);
    for (const name of this.extraSpeakers) seen.add(name);
    return [...seen];
  }

  speakerCounts() {
    const counts = new Map(this.speakers.map((n) => [n, 0]));
    for (const s of this.segments) if (s.speaker) counts.set(s.speaker, (counts.get(s.speaker) || 0) + 1);
    return counts;
  }

  reviewed() {
    let done = 0;
    for (const s of this.segments) if (s.reviewed) done++;
    return [done, this.segments.length];
  }

  /** New text for segment i: words kept keep their timing, new ones are timed within the segment. */
  setText(i, text) {
    const seg = this.segments[i];
    const clean = tokens(text).join(" ");
    if (clean === seg.text) return false;
    seg.words = retimeWords(seg.words, clean, seg.start, seg.end, seg.speaker);
    seg.text = clean;
    if (seg.words.length) seg.confidence = Math.min(...seg.words.map((w) => w.confidence));
    this.reindex();
    this.changed();
    return true;
  }

  nextId() {
    let max = -1;
    for (const s of this.segments) max = Math.max(max, s.id);
    return max + 1;
  }

  /** Split segment i before word `at` (1 ≤ at < words); the second half is a new segment. */
  split(i, at) {
    const seg = this.segments[i];
    if (at <= 0 || at >= tokens(seg.text).length) return false;
    seg.words = shownWords(seg); // a split is an edit: both halves keep the written form they show
    const second = seg.words.slice(at);
    const first = seg.words.slice(0, at);
    const tail = {
      ...clone(seg),
      id: this.nextId(),
      start: second[0].start,
      words: second,
      text: second.map((w) => w.text).join(" "),
      starts_paragraph: false, // the second half continues the first's paragraph in the exports
    };
    seg.words = first;
    seg.text = first.map((w) => w.text).join(" ");
    seg.end = Math.max(first[first.length - 1].end, seg.start);
    tail.end = Math.max(tail.end, tail.start);
    this.segments.splice(i + 1, 0, tail);
    this.reindex();
    this.changed();
    return true;
  }

  /** Merge segment i into segment i-1 (the earlier one's speaker wins). */
  mergeWithPrevious(i) {
    if (i <= 0 || i >= this.segments.length) return false;
    const a = this.segments[i - 1];
    const b = this.segments[i];
    a.words = a.words.concat(b.words.map((w) => ({ ...w, speaker: a.speaker })));
    a.text = [a.text, b.text].filter(Boolean).join(" ");
    a.start = Math.min(a.start, b.start);
    a.end = Math.max(a.end, b.end);
    a.reviewed = Boolean(a.reviewed && b.reviewed);
    a.confidence = Math.min(a.confidence ?? 1, b.confidence ?? 1);
    this.segments.splice(i, 1);
    this.reindex();
    this.changed();
    return true;
  }

  /** Rename a speaker everywhere; renaming to an existing name merges the two. */
  renameSpeaker(from, to) {
    to = to.normalize("NFC").trim();
    if (!to || to === from) return 0;
    let n = 0;
    for (const s of this.segments) {
      if (s.speaker === from) {
        s.speaker = to;
        n++;
      }
      for (const w of s.words) if (w.speaker === from) w.speaker = to;
    }
    for (const t of this.doc.turns || []) if (t.speaker === from) t.speaker = to; // the RTTM export follows
    this.extraSpeakers = this.extraSpeakers.map((x) => (x === from ? to : x));
    this.changed();
    return n;
  }

  addSpeaker(name) {
    name = name.normalize("NFC").trim();
    if (name && !this.speakers.includes(name)) this.extraSpeakers.push(name);
    return name;
  }

  setSpeaker(i, name) {
    const seg = this.segments[i];
    seg.speaker = name || null;
    for (const w of seg.words) w.speaker = seg.speaker;
    this.changed();
  }

  setReviewed(i, value) {
    this.segments[i].reviewed = value;
    this.changed();
  }

  /** Segments whose text matches: [{index, hits}]. */
  find(query, options) {
    const out = [];
    this.segments.forEach((s, index) => {
      const hits = findAll(s.text, query, options);
      if (hits.length) out.push({ index, hits });
    });
    return out;
  }

  replaceIn(i, query, replacement, options) {
    const [text, count] = replaceAll(this.segments[i].text, query, replacement, options);
    if (count) this.setText(i, text);
    return count;
  }

  replaceEverywhere(query, replacement, options) {
    let count = 0;
    for (const { index } of this.find(query, options)) count += this.replaceIn(index, query, replacement, options);
    return count;
  }

  /** The document to save (a copy, so edits during the request are not half-sent). */
  snapshot() {
    return clone(this.doc);
  }

  saved(sent, version) {
    this.base = sent;
    this.version = version;
  }

  /**
   * My edits since `this.base`, applied to `theirs` (a newer version by someone else): segments I
   * changed or added replace theirs by id, segments I deleted go. Theirs win everywhere else.
   */
  rebase(theirs) {
    const baseById = new Map(this.base.segments.map((s) => [s.id, s]));
    const mineById = new Map(this.segments.map((s) => [s.id, s]));
    const result = clone(theirs);
    let segments = result.segments.filter((s) => !(baseById.has(s.id) && !mineById.has(s.id)));
    const index = new Map(segments.map((s, i) => [s.id, i]));
    for (const seg of this.segments) {
      const before = baseById.get(seg.id);
      if (before && same(before, seg)) continue;
      if (index.has(seg.id)) segments[index.get(seg.id)] = clone(seg);
      else segments.push(clone(seg));
    }
    segments = segments.sort((a, b) => a.start - b.start);
    result.segments = segments;
    return result;
  }
}
