// Virtualised segment list: only the segments on screen (plus a margin) exist in the DOM, so a
// 3-hour transcript (30 000 words, ~3 000 segments) renders and scrolls like a short one.
//
// Heights start as an estimate from the text length and are replaced by measured heights as rows
// are drawn; offsets are prefix sums over those. A row holding the focus is never recycled, so the
// clerk's caret survives scrolling.

const OVERSCAN_PX = 600;

export class SegmentList {
  /** `renderRow(segment, index)` builds a row element; rows are positioned absolutely in `canvas`. */
  constructor(scroller, canvas, model, renderRow) {
    this.scroller = scroller;
    this.canvas = canvas;
    this.model = model;
    this.renderRow = renderRow;
    this.heights = new Map(); // segment id -> measured px
    this.nodes = new Map(); // segment id -> row element
    this.offsets = new Float64Array(1);
    this.frame = 0;
    scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    new ResizeObserver(() => {
      this.heights.clear();
      this.refresh(true);
    }).observe(scroller);
  }

  estimate(seg) {
    const perLine = Math.max(20, (this.scroller.clientWidth - 48) / 8.6);
    return 58 + Math.ceil(Math.max(1, seg.text.length) / perLine) * 27;
  }

  layout() {
    const segs = this.model.segments;
    const offsets = new Float64Array(segs.length + 1);
    for (let i = 0; i < segs.length; i++) offsets[i + 1] = offsets[i] + (this.heights.get(segs[i].id) ?? this.estimate(segs[i]));
    this.offsets = offsets;
    this.canvas.style.height = `${offsets[segs.length]}px`;
  }

  /** Index of the segment at vertical position y. */
  indexAt(y) {
    let lo = 0;
    let hi = this.model.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.render()));
  }

  /** Redraw; `all` drops every row (after a structural change) except the focused one's, which is rebuilt too. */
  refresh(all = false, ids = []) {
    const focused = document.activeElement;
    const row = this.canvas.contains(focused) ? focused.closest(".seg") : null;
    if (all) for (const id of [...this.nodes.keys()]) this.drop(id, true);
    for (const id of ids) this.drop(id, true);
    this.layout();
    this.render();
    if (row && !row.isConnected && focused.classList.length) {
      // the rebuilt row takes the focus back (a resize redraw must not throw the clerk out of the text)
      this.nodes.get(Number(row.dataset.id))?.querySelector(`.${focused.classList[0]}`)?.focus({ preventScroll: true });
    }
  }

  drop(id, force = false) {
    const node = this.nodes.get(id);
    if (!node) return;
    if (!force && node.contains(document.activeElement)) return;
    node.remove();
    this.nodes.delete(id);
  }

  render() {
    const segs = this.model.segments;
    if (this.offsets.length !== segs.length + 1) this.layout();
    const top = this.scroller.scrollTop;
    const first = this.indexAt(Math.max(0, top - OVERSCAN_PX));
    const last = this.indexAt(top + this.scroller.clientHeight + OVERSCAN_PX);
    const wanted = new Set();
    for (let i = first; i <= last && i < segs.length; i++) wanted.add(segs[i].id);
    for (const id of [...this.nodes.keys()]) if (!wanted.has(id)) this.drop(id);
    const fresh = [];
    for (let i = first; i <= last && i < segs.length; i++) {
      const seg = segs[i];
      let node = this.nodes.get(seg.id);
      if (!node) {
        node = this.renderRow(seg, i);
        this.nodes.set(seg.id, node);
        this.canvas.append(node);
        fresh.push(node);
      }
      node.dataset.index = String(i);
      node.style.top = `${this.offsets[i]}px`;
    }
    this.measure(fresh, first);
  }

  /** Replace estimates by real heights; keep what the clerk looks at in place. */
  measure(nodes, first) {
    let changed = false;
    let shiftAbove = 0;
    for (const node of nodes) {
      const id = Number(node.dataset.id);
      const h = node.offsetHeight;
      const i = Number(node.dataset.index);
      const old = this.heights.get(id) ?? this.estimate(this.model.segments[i]);
      if (Math.abs(old - h) > 0.5) {
        this.heights.set(id, h);
        changed = true;
        if (i < first) shiftAbove += h - old;
      } else this.heights.set(id, h);
    }
    if (!changed) return;
    this.layout();
    for (const [id, node] of this.nodes) {
      const i = this.model.indexById.get(id);
      if (i !== undefined) node.style.top = `${this.offsets[i]}px`;
    }
    if (shiftAbove) this.scroller.scrollTop += shiftAbove;
  }

  /** Scroll so that segment i is visible (`center`: a third from the top); returns its row. */
  reveal(i, center = false) {
    const top = this.offsets[i];
    const bottom = this.offsets[i + 1];
    const view = this.scroller;
    if (center || top < view.scrollTop || bottom > view.scrollTop + view.clientHeight) {
      view.scrollTop = Math.max(0, top - (center ? view.clientHeight / 3 : 8));
    }
    this.render();
    return this.nodes.get(this.model.segments[i].id);
  }

  isVisible(i) {
    const view = this.scroller;
    return this.offsets[i] >= view.scrollTop && this.offsets[i + 1] <= view.scrollTop + view.clientHeight;
  }

  node(i) {
    const seg = this.model.segments[i];
    return seg ? this.nodes.get(seg.id) : undefined;
  }
}
