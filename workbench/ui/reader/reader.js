// The reader: the document turn by turn, codings as stripes in a margin, suggestions as dashed
// stripes; select text to code it. Every value from the project is inserted as a text node.

const LANE = 8;
const MAX_LANES = 16;
const READERS = new WeakMap();

class Reader {
  constructor(parent) {
    this.root = el("div", "wbr-root");
    this.root.tabIndex = -1;
    this.toolbar = el("div", "wbr-toolbar");
    this.scroller = el("div", "wbr-scroll");
    this.docEl = el("div", "wbr-doc");
    this.scroller.appendChild(this.docEl);
    this.root.append(this.toolbar, this.scroller);
    parent.appendChild(this.root);
    this.picker = new CodePicker(this.root, this);
    this.card = new DetailCard(this.root, this);
    this.textMap = new WeakMap();
    this.entries = [];
    this.visible = new Set();
    this.pending = null;
    this.current = null;
    this.advanceFrom = null;
    this.observer = new IntersectionObserver((seen) => this.onSeen(seen), { root: this.scroller, rootMargin: "300px 0px" });
    this.docEl.addEventListener("mouseup", (e) => this.onMouseUp(e));
    this.docEl.addEventListener("mousedown", (e) => {
      if (e.button === 0 && !(e.target.closest && e.target.closest(".wbr-stripe, .wbr-recmark"))) this.card.close();
    });
    this.onKey = (e) => this.keydown(e);
    window.addEventListener("keydown", this.onKey, true);
  }

  destroy() {
    window.removeEventListener("keydown", this.onKey, true);
    this.observer.disconnect();
  }

  // --- data ---------------------------------------------------------------------------------

  update(data) {
    data.codesById = Object.fromEntries(data.codes.map((c) => [c.id, c]));
    this.data = data;
    this.segments = data.segments;
    this.starts = data.segments.map((s) => s.start);
    const items = [
      ...data.codings.map((c) => ({ ...c, kind: "coding" })),
      ...data.suggestions.map((s) => ({ ...s, kind: "suggestion" })),
    ];
    const codingLanes = assignLanes(items.filter((x) => x.kind === "coding"), 0);
    this.lanes = assignLanes(items.filter((x) => x.kind === "suggestion"), codingLanes);
    this.items = items;
    this.bySegment = new Map();
    for (const item of items) {
      for (let i = this.segmentAfter(item.start); i < this.segments.length && this.segments[i].start < item.end; i++) {
        if (!this.bySegment.has(i)) this.bySegment.set(i, []);
        this.bySegment.get(i).push(item);
      }
    }
    this.suggestions = items.filter((x) => x.kind === "suggestion").sort((a, b) => a.start - b.start || a.end - b.end);
    this.updateDisagreements(data);
    if (this.picker.isOpen) this.picker.refresh(); else this.pending = null;
    if (this.current) this.current = this.suggestions.find((s) => s.id === this.current.id) || null;
    const key = `${data.doc.id}:${data.doc.sha}:${this.segments.length}`;
    if (key !== this.docKey) {
      this.docKey = key;
      this.build();
    } else {
      for (const entry of this.entries) entry.drawn = false;
      for (const i of this.visible) this.draw(i);
    }
    this.root.style.setProperty("--wbr-margin", `${Math.min(this.lanes, MAX_LANES) * LANE + 6 + (this.reconciling ? REC_MARK : 0)}px`);
    this.drawToolbar();
    this.showTarget();
    this.advanceDisagreement();
    if (this.advanceFrom !== null) {
      const from = this.advanceFrom;
      this.advanceFrom = null;
      const next = this.suggestions.find((s) => s.start >= from);
      if (next) this.focusSuggestion(next);
    }
    this.root.dataset.ready = "1";
  }

  // Index of the segment holding code point `cp`, or the next one when `cp` lies between segments.
  segmentAfter(cp) {
    let lo = 0, hi = this.starts.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] <= cp) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return 0;
    return cp < this.segments[found].end ? found : found + 1;
  }

  // Index of the segment holding the code point before `cp`, or the previous one between segments.
  segmentBefore(cp) {
    const i = this.segmentAfter(Math.max(cp - 1, 0));
    return i < this.segments.length && this.segments[i].start < cp ? i : i - 1;
  }

  snippet(start, end) {
    const parts = [];
    for (let i = this.segmentAfter(start); i < this.segments.length && this.segments[i].start < end; i++) {
      const s = this.segments[i];
      parts.push(cpSlice(s.text, Math.max(start, s.start) - s.start, Math.min(end, s.end) - s.start));
    }
    return parts.join(" ⏎ ");
  }

  send(action) {
    this.toolbarNote.textContent = action.type === "similar" ? "Finding passages like this…" : "Saving…";
    this.setTrigger("action", { ...action, nonce: `${Date.now()}-${Math.random()}` });
  }

  // --- drawing ------------------------------------------------------------------------------

  build() {
    this.observer.disconnect();
    this.visible.clear();
    this.docEl.replaceChildren();
    let section = null, page = null;
    this.entries = this.segments.map((seg, i) => {
      const node = el("div", `wbr-seg wbr-kind-${String(seg.kind).replace(/[^a-z_]/g, "")}`);
      node.dataset.i = i;
      const margin = el("div", "wbr-margin");
      const body = el("div", "wbr-body");
      // the section and page are shown where they change (headings already show the structure)
      const newSection = seg.section && seg.section !== section && seg.kind !== "heading" ? seg.section : null;
      const newPage = seg.page && seg.page !== page ? `p. ${seg.page}` : null;
      section = seg.kind === "heading" ? [seg.section, seg.text.trim()].filter(Boolean).join(" > ") : seg.section;
      page = seg.page || page;
      const meta = [seg.speaker, seg.time, newPage, newSection].filter(Boolean);
      if (meta.length) {
        const line = el("div", "wbr-meta");
        if (seg.speaker) line.appendChild(el("span", "wbr-speaker", seg.speaker));
        const rest = meta.slice(seg.speaker ? 1 : 0).join(" · ");
        if (rest) line.appendChild(el("span", "wbr-where", (seg.speaker ? " · " : "") + rest));
        body.appendChild(line);
      }
      const text = el("div", "wbr-text");
      const t = document.createTextNode(seg.text);
      this.textMap.set(t, seg.start);
      text.appendChild(t);
      body.appendChild(text);
      node.append(margin, body);
      this.docEl.appendChild(node);
      this.observer.observe(node);
      return { node, margin, text, drawn: false };
    });
    if (!this.segments.length) this.docEl.appendChild(el("div", "wbr-empty", "This document has no segments."));
  }

  onSeen(seen) {
    for (const e of seen) {
      const i = Number(e.target.dataset.i);
      if (e.isIntersecting) {
        this.visible.add(i);
        if (!this.entries[i].drawn) this.draw(i);
      } else this.visible.delete(i);
    }
  }

  // Text of segment i cut at every coding, suggestion and highlight boundary, then its stripes.
  draw(i) {
    const entry = this.entries[i];
    const seg = this.segments[i];
    if (!entry || !seg) return;
    const items = this.bySegment.get(i) || [];
    const marks = [];
    if (this.pending) marks.push({ start: this.pending.start, end: this.pending.end, mark: "wbr-pending" });
    if (this.target) marks.push({ start: this.target.start, end: this.target.end, mark: "wbr-target" });
    const disputed = this.disagreementsIn(i);
    for (const d of disputed) {
      marks.push({ start: d.start, end: d.end, mark: "wbr-disagree" });
      if (this.currentRec && this.currentRec.id === d.id) marks.push({ start: d.start, end: d.end, mark: "wbr-rec-current" });
    }
    if (this.recPick) marks.push({ start: this.recPick.start, end: this.recPick.end, mark: "wbr-pending" });
    const cuts = new Set([seg.start, seg.end]);
    for (const x of [...items, ...marks]) {
      if (x.start > seg.start && x.start < seg.end) cuts.add(x.start);
      if (x.end > seg.start && x.end < seg.end) cuts.add(x.end);
    }
    const bounds = [...cuts].sort((a, b) => a - b);
    const chunks = [];
    entry.text.replaceChildren();
    for (let k = 0; k + 1 < bounds.length; k++) {
      const a = bounds[k], b = bounds[k + 1];
      const node = document.createTextNode(cpSlice(seg.text, a - seg.start, b - seg.start));
      this.textMap.set(node, a);
      const over = items.filter((x) => x.start <= a && x.end >= b);
      const marked = marks.filter((x) => x.start <= a && x.end >= b);
      if (!over.length && !marked.length) { entry.text.appendChild(node); continue; }
      const span = el("span", "wbr-chunk");
      span.dataset.at = a;
      span.appendChild(node);
      const coded = over.filter((x) => x.kind === "coding").sort((x, y) => (x.end - x.start) - (y.end - y.start));
      if (coded.length) span.style.backgroundColor = rgba(this.color(coded[0].code), coded.length > 1 ? 0.32 : 0.22);
      const suggested = over.find((x) => x.kind === "suggestion");
      if (suggested) {
        span.classList.add("wbr-sugg");
        span.style.textDecorationColor = this.color(suggested.code);
        if (this.current && over.some((x) => x.kind === "suggestion" && x.id === this.current.id)) span.classList.add("wbr-current");
      }
      for (const m of marked) span.classList.add(m.mark);
      entry.text.appendChild(span);
      chunks.push({ a, b, span });
    }
    this.drawStripes(entry, seg, items, chunks);
    this.drawMarkers(entry, seg, disputed, chunks);
    entry.text.classList.toggle("wbr-text-disagree", disputed.length > 0);
    entry.text.classList.toggle("wbr-text-rec-current", !!this.currentRec && disputed.some((d) => d.id === this.currentRec.id));
    entry.drawn = true;
  }

  drawStripes(entry, seg, items, chunks) {
    entry.margin.replaceChildren();
    if (!items.length) return;
    const top0 = entry.node.getBoundingClientRect().top;
    for (const item of items) {
      const a = Math.max(item.start, seg.start), b = Math.min(item.end, seg.end);
      const first = chunks.find((c) => c.a === a), last = chunks.find((c) => c.b === b);
      if (!first || !last) continue;
      const r1 = first.span.getClientRects(), r2 = last.span.getClientRects();
      if (!r1.length || !r2.length) continue;
      const stripe = el("div", "wbr-stripe" + (item.kind === "suggestion" ? " wbr-stripe-sugg" : ""));
      const code = this.data.codesById[item.code];
      const color = this.color(item.code);
      stripe.style.left = `${Math.min(item.lane, MAX_LANES - 1) * LANE}px`;
      stripe.style.top = `${r1[0].top - top0}px`;
      stripe.style.height = `${Math.max(r2[r2.length - 1].bottom - r1[0].top, 6)}px`;
      if (item.kind === "suggestion") stripe.style.borderColor = color; else stripe.style.backgroundColor = color;
      if (item.kind === "coding" && this.data.coder && item.coder !== this.data.coder) stripe.classList.add("wbr-theirs");
      stripe.title = item.kind === "suggestion"
        ? `${code ? code.path : item.code} · suggested, score ${Number(item.score).toFixed(2)}`
        : `${code ? code.path : item.code} · ${item.coder}`;
      stripe.dataset.kind = item.kind;
      stripe.dataset.id = item.id;
      stripe.setAttribute("aria-label", stripe.title);
      entry.margin.appendChild(stripe);
    }
  }

  color(codeId) {
    const code = this.data.codesById[codeId];
    return code ? code.color : "#888888";
  }

  drawToolbar() {
    this.toolbar.replaceChildren();
    const d = this.data;
    if (this.reconciling) { this.drawReconcileToolbar(); return; }
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    this.toolbar.appendChild(el("span", "wbr-count", `${plural(d.codings.length, "coding")} · ${d.suggestions_shown === false
      ? "suggestions hidden" : `${plural(d.suggestions.length, "suggestion")} waiting`}`));
    const undo = el("button", "wbr-btn", "Undo (Ctrl+Z)");
    undo.type = "button";
    undo.disabled = !d.coder;
    undo.title = "Undo your last change: a coding, removal, recode, memo, accept or reject";
    undo.addEventListener("click", () => this.send({ type: "undo" }));
    this.toolbar.appendChild(undo);
    const next = el("button", "wbr-btn", "Next suggestion (n)");
    next.type = "button";
    next.disabled = !d.suggestions.length;
    next.addEventListener("click", () => this.nextSuggestion());
    this.toolbar.appendChild(next);
    this.toolbar.appendChild(el("span", "wbr-keys", d.coder
      ? "Select text to code it · click a stripe for details · n or j / k: next / previous suggestion, a / r: accept / reject"
      : "Enter your coder name in the sidebar to code"));
    this.toolbarNote = el("span", "wbr-note" + (d.error ? " wbr-error" : ""), d.error || d.message || "");
    this.toolbarNote.title = this.toolbarNote.textContent;
    this.toolbar.appendChild(this.toolbarNote);
  }

  // --- the place asked for (click-through) --------------------------------------------------

  showTarget() {
    const t = this.data.target;
    const key = t ? `${this.data.doc.id}:${t.start}:${t.end}` : null;
    if (!t || key === this.targetKey) return;
    this.targetKey = key;
    this.target = { start: t.start, end: t.end };
    const suggested = this.suggestions.find((s) => s.start === t.start && s.end === t.end);
    if (suggested) { this.target = null; this.focusSuggestion(suggested); return; }
    this.scrollToCp(t.start);
  }

  scrollToCp(cp) {
    const i = Math.min(this.segmentAfter(cp), this.entries.length - 1);
    const entry = this.entries[i];
    if (!entry) return null;
    this.draw(i);
    const place = () => { this.scroller.scrollTop = entry.node.offsetTop - this.scroller.clientHeight / 3; };
    place();
    requestAnimationFrame(place);
    return i;
  }

}

// Lanes in the margin: each item takes the first lane free at its start, kept across turns.
// Codings take the lanes nearest the text, suggestions the lanes after them (`first`); returns the lanes used.
function assignLanes(items, first) {
  items.sort((x, y) => x.start - y.start || y.end - x.end);
  const ends = [];
  for (const item of items) {
    let lane = ends.findIndex((end) => end <= item.start);
    if (lane < 0) { lane = ends.length; ends.push(0); }
    ends[lane] = item.end;
    item.lane = first + lane;
  }
  return first + ends.length;
}

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let reader = READERS.get(parentElement);
  if (!reader || !reader.root.isConnected) {
    if (reader) reader.destroy();
    reader = new Reader(parentElement);
    READERS.set(parentElement, reader);
  }
  reader.setTrigger = setTriggerValue;
  reader.update(data);
  return () => { reader.destroy(); READERS.delete(parentElement); };
}
