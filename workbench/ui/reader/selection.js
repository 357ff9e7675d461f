// Selecting and clicking in the reader: a drag becomes a snapped span and opens the code picker; a click on a
// stripe or tinted text opens the card of what is there. (Methods of Reader, added after its class.)
Object.assign(Reader.prototype, {
  onMouseUp(e) {
    if (e.button !== 0) return;
    const marker = e.target.closest && e.target.closest(".wbr-recmark");
    if (marker) {
      const d = this.disagreements.find((x) => x.id === marker.dataset.rec);
      if (d) this.openDisagreement(e, d);
      return;
    }
    const stripe = e.target.closest && e.target.closest(".wbr-stripe");
    if (stripe) {
      const item = this.items.find((x) => x.kind === stripe.dataset.kind && String(x.id) === stripe.dataset.id);
      if (item) this.openCard(e, [item]);
      return;
    }
    const sel = window.getSelection();
    if (sel && sel.rangeCount && !sel.isCollapsed && this.docEl.contains(sel.anchorNode)) {
      this.select(sel, sel.getRangeAt(0));
      return;
    }
    this.picker.close();  // a click elsewhere in the text drops a selection waiting for its code
    const chunk = e.target.closest && e.target.closest(".wbr-chunk");
    if (chunk) {
      const at = Number(chunk.dataset.at);
      const disputed = this.disagreements.find((x) => x.start <= at && x.end > at);
      if (disputed) { this.openDisagreement(e, disputed); return; }
      const here = this.items.filter((x) => x.start <= at && x.end > at);
      if (here.length) { this.openCard(e, here); return; }
    }
    this.card.close();
  },

  openCard(e, items) {
    const host = this.root.getBoundingClientRect();
    const sugg = items.find((x) => x.kind === "suggestion");
    if (sugg) this.setCurrent(sugg);
    this.picker.close();
    this.card.show({ left: e.clientX - host.left + 8, top: e.clientY - host.top + 14, above: e.clientY - host.top - 8 }, items);
  },

  select(sel, range) {
    if (!this.data.coder) {
      this.toolbarNote.textContent = "Enter your coder name in the sidebar first: every coding is saved under it.";
      this.toolbarNote.classList.add("wbr-error");
      return;
    }
    const start = this.pointToCp(range.startContainer, range.startOffset, "start");
    const end = this.pointToCp(range.endContainer, range.endOffset, "end");
    if (start === null || end === null || end <= start) return;
    const si = this.segmentAfter(start), ei = this.segmentBefore(end);
    if (si >= this.segments.length || ei < si) return;
    const s = this.segments[si], t = this.segments[ei];
    const u = snapRange(s.text, this.pieces(si), unitIndex(s.text, start - s.start), si === ei ? unitIndex(s.text, end - s.start) : s.text.length);
    const v = si === ei ? u : snapRange(t.text, this.pieces(ei), 0, unitIndex(t.text, end - t.start));
    const a = s.start + cpLength(s.text.slice(0, u[0])), b = t.start + cpLength(t.text.slice(0, v[1]));
    if (b <= a) return;
    if (this.reconciling) {  // words inside an open disagreement: its card, ready to agree on them
      const d = this.pickInDisagreement(a, b);
      if (d) {
        sel.removeAllRanges();
        this.openDisagreement({ clientX: range.getBoundingClientRect().left, clientY: range.getBoundingClientRect().bottom }, d);
        return;
      }
    }
    const parts = [];
    for (let i = si; i <= ei; i++) {
      const g = this.segments[i];
      const pa = Math.max(a, g.start), pb = Math.min(b, g.end);
      if (pb > pa) parts.push({ segment: g.id, start: pa, end: pb, text: cpSlice(g.text, pa - g.start, pb - g.start) });
    }
    const rects = range.getClientRects(), host = this.root.getBoundingClientRect();
    const last = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    const rect = { left: Math.max(last.left, last.right - 200), bottom: last.bottom, top: range.getBoundingClientRect().top };
    sel.removeAllRanges();
    this.card.close();
    this.pending = { start: a, end: b };
    for (let i = si; i <= ei; i++) this.draw(i);
    this.picker.open({ left: rect.left - host.left, top: rect.bottom - host.top + 6, above: rect.top - host.top }, parts.map((p) => p.text).join(" ⏎ "),
      (code, memo) => this.send({ type: "code", code, memo, start: a, end: b, parts }),
      { similar: parts.map((p) => p.text).join("\n") });
  },

  pickerClosed() {
    if (!this.pending) return;
    const { start, end } = this.pending;
    this.pending = null;
    for (let i = this.segmentAfter(start); i <= this.segmentBefore(end); i++) this.draw(i);
  },

  pieces(i) {
    const entry = this.entries[i];
    if (!entry.pieces) entry.pieces = wordPieces(this.segments[i].text);
    return entry.pieces;
  },

  // The code-point offset in the document of a DOM point inside the reader (null outside the text).
  pointToCp(node, offset, edge) {
    if (node.nodeType === 3 && this.textMap.has(node)) return this.textMap.get(node) + cpLength(node.data.slice(0, offset));
    const element = node.nodeType === 3 ? node.parentElement : node;
    const segNode = element && element.closest ? element.closest(".wbr-seg") : null;
    if (!segNode) {
      if (node !== this.docEl) return null;
      const i = edge === "start" ? offset : offset - 1;
      const seg = this.segments[Math.max(0, Math.min(i, this.segments.length - 1))];
      return seg ? (edge === "start" ? seg.start : seg.end) : null;
    }
    const seg = this.segments[Number(segNode.dataset.i)];
    const point = document.createRange();
    point.setStart(node, offset);
    const texts = [];
    const walker = document.createTreeWalker(segNode, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (this.textMap.has(walker.currentNode)) texts.push(walker.currentNode);
    if (edge === "start") {
      for (const t of texts) if (point.comparePoint(t, 0) >= 0) return this.textMap.get(t);
      return seg.end;
    }
    for (const t of texts.reverse()) if (point.comparePoint(t, t.length) <= 0) return this.textMap.get(t) + cpLength(t.data);
    return seg.start;
  }
});
