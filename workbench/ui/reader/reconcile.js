// Reconcile mode: the open disagreements of coders A and B outlined in the text with a marker in the margin;
// n / j / k move through them, a card offers keep A (1), keep B (2), keep both (3), reject (x) or an agreed
// coding on words selected inside the passage. (Methods of Reader and DetailCard, added after their classes.)

const REC_MARK = 16;

Object.assign(Reader.prototype, {
  updateDisagreements(data) {
    const rec = data.reconcile;
    this.reconciling = !!rec;
    this.disagreements = rec && !rec.refused
      ? rec.items.filter((x) => x.state === "open").map((x) => ({ ...x, kind: "disagreement" }))
        .sort((x, y) => x.start - y.start || x.end - y.end || (x.id < y.id ? -1 : 1))
      : [];
    this.recBySegment = new Map();
    for (const d of this.disagreements) {
      for (let i = this.segmentAfter(d.start); i < this.segments.length && this.segments[i].start < d.end; i++) {
        if (!this.recBySegment.has(i)) this.recBySegment.set(i, []);
        this.recBySegment.get(i).push(d);
      }
    }
    if (this.currentRec) this.currentRec = this.disagreements.find((d) => d.id === this.currentRec.id) || null;
    if (this.recPick && !this.disagreements.some((d) => d.id === this.recPick.item)) this.recPick = null;
  },

  disagreementsIn(i) {
    return (this.recBySegment && this.recBySegment.get(i)) || [];
  },

  // After a decision: the card opens on the next open disagreement from where the decided one was.
  advanceDisagreement() {
    if (this.advanceRecFrom === undefined || this.advanceRecFrom === null) return;
    const from = this.advanceRecFrom;
    this.advanceRecFrom = null;
    const next = this.disagreements.find((d) => d.start >= from) || this.disagreements[0];
    if (next) this.focusDisagreement(next);
  },

  // One marker per disagreement in the margin, beside the stripes, coloured by its code.
  drawMarkers(entry, seg, disputed, chunks) {
    if (!disputed.length) return;
    const top0 = entry.node.getBoundingClientRect().top;
    disputed.forEach((d, k) => {
      const first = chunks.find((c) => c.a === Math.max(d.start, seg.start));
      const rects = first ? first.span.getClientRects() : [];
      const mark = el("div", "wbr-recmark", "≠");
      const code = this.data.codesById[d.code];
      mark.style.left = `${Math.min(this.lanes, MAX_LANES) * LANE + 2}px`;
      mark.style.top = `${(rects.length ? rects[0].top - top0 : 0) + k * 18}px`;
      mark.style.borderColor = this.color(d.code);
      if (this.currentRec && this.currentRec.id === d.id) mark.classList.add("wbr-recmark-current");
      mark.title = `Disagreement on ${code ? code.path : d.code}: ${d.coded_by} coded it, ${d.not_coded_by} did not`;
      mark.setAttribute("aria-label", mark.title);
      mark.dataset.rec = d.id;
      entry.margin.appendChild(mark);
    });
  },

  setCurrentRec(d) {
    const before = this.currentRec;
    this.currentRec = d;
    for (const x of [before, d]) {
      if (!x) continue;
      for (let i = this.segmentAfter(x.start); i <= this.segmentBefore(x.end); i++) this.draw(i);
    }
  },

  focusDisagreement(d) {
    this.setCurrentRec(d);
    this.scrollToCp(d.start);
    requestAnimationFrame(() => {
      const span = this.docEl.querySelector(".wbr-rec-current");
      const host = this.root.getBoundingClientRect();
      const r = span ? span.getBoundingClientRect() : this.scroller.getBoundingClientRect();
      this.card.show({ left: r.left - host.left, top: r.bottom - host.top + 6, above: r.top - host.top }, [d]);
    });
  },

  openDisagreement(e, d) {
    const host = this.root.getBoundingClientRect();
    this.setCurrentRec(d);
    this.picker.close();
    this.card.show({ left: e.clientX - host.left + 8, top: e.clientY - host.top + 14, above: e.clientY - host.top - 8 }, [d]);
  },

  nextDisagreement() {
    const all = this.disagreements;
    if (!all.length) return;
    const at = this.currentRec ? all.findIndex((d) => d.id === this.currentRec.id) : -1;
    this.focusDisagreement(at >= 0 ? all[(at + 1) % all.length] : all[0]);
  },

  previousDisagreement() {
    const all = this.disagreements;
    if (!all.length) return;
    const at = this.currentRec ? all.findIndex((d) => d.id === this.currentRec.id) : 0;
    this.focusDisagreement(all[(at - 1 + all.length) % all.length]);
  },

  // A selection inside an open disagreement's passage: remembered for "agree on the selected words".
  pickInDisagreement(start, end) {
    const d = this.disagreements.find((x) => x.start <= start && end <= x.end);
    if (!d) return null;
    const before = this.recPick;
    this.recPick = { item: d.id, start, end, text: this.snippet(start, end) };
    for (const x of [before, this.recPick]) {
      if (!x) continue;
      for (let i = this.segmentAfter(x.start); i <= this.segmentBefore(x.end); i++) this.draw(i);
    }
    return d;
  },

  decideDisagreement(d, decision) {
    if (!this.data.coder) return;
    const rec = this.data.reconcile;
    const action = { type: "reconcile", item: d.id, decision, a: rec.a, b: rec.b, team: rec.team };
    if (decision === "agree_custom") {
      if (!this.recPick || this.recPick.item !== d.id) return;
      action.start = this.recPick.start;
      action.end = this.recPick.end;
    }
    this.card.close();
    this.recPick = null;
    this.currentRec = null;
    this.advanceRecFrom = d.start;
    this.send(action);
  },

  // Keys of reconcile mode; true when the key was used.
  reconcileKey(key) {
    if (key === "n" || key === "j") { this.nextDisagreement(); return this.disagreements.length > 0; }
    if (key === "k") { this.previousDisagreement(); return this.disagreements.length > 0; }
    const decisions = { 1: "keep_a", 2: "keep_b", 3: "keep_both", x: "reject" };
    if (decisions[key] && this.currentRec && this.data.coder && this.card.showing(this.currentRec)) {
      this.decideDisagreement(this.currentRec, decisions[key]);
      return true;
    }
    return false;
  },

  drawReconcileToolbar() {
    const d = this.data, rec = d.reconcile;
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const count = rec.refused ? "Reconcile" : `${plural(rec.open, "disagreement")} open · ${rec.decided} decided`;
    const label = el("span", "wbr-count wbr-rec-count", count);
    label.title = rec.refused ? "" : `${rec.a} and ${rec.b}, agreed set kept under ${rec.team}`;
    this.toolbar.appendChild(label);
    const undo = el("button", "wbr-btn", "Undo (Ctrl+Z)");
    undo.type = "button";
    undo.disabled = !d.coder;
    undo.title = "Undo your last change: a decision, a coding, a removal…";
    undo.addEventListener("click", () => this.send({ type: "undo" }));
    this.toolbar.appendChild(undo);
    const next = el("button", "wbr-btn", "Next disagreement (n)");
    next.type = "button";
    next.disabled = !this.disagreements.length;
    next.addEventListener("click", () => this.nextDisagreement());
    this.toolbar.appendChild(next);
    this.toolbar.appendChild(el("span", "wbr-keys", d.coder
      ? "n / k: next / previous · 1 keep A, 2 keep B, 3 keep both, x reject · select words in a passage to agree on them"
      : "Enter your coder name in the sidebar to decide"));
    const note = d.error || rec.refused || d.message || "";
    this.toolbarNote = el("span", "wbr-note" + (d.error || rec.refused ? " wbr-error" : ""), note);
    this.toolbarNote.title = note;
    this.toolbar.appendChild(this.toolbarNote);
  }
});

Object.assign(DetailCard.prototype, {
  // The card of one disagreement: the code, what each coder coded in the passage, and the decisions.
  disagreement(d) {
    const r = this.reader, rec = r.data.reconcile;
    const block = el("div", "wbr-item wbr-disagreement");
    block.dataset.rec = d.id;
    block.appendChild(this.header(d, false));
    block.appendChild(el("div", "wbr-card-meta", `Disagreement: ${d.coded_by} coded it, ${d.not_coded_by} did not`));
    for (const [who, spans] of [[rec.a, d.a], [rec.b, d.b]]) {
      const line = el("div", "wbr-rec-side");
      line.appendChild(el("span", "wbr-rec-who", `${who}: `));
      line.appendChild(el("span", spans.length ? "wbr-quote" : "wbr-card-note", spans.length
        ? spans.map((s) => `“${shorten(s.text || r.snippet(s.start, s.end), 120)}”`).join(" · ") : "did not code it here"));
      block.appendChild(line);
    }
    const noCoder = !r.data.coder;
    const why = noCoder ? "Enter your coder name first" : "";
    const row = el("div", "wbr-actions");
    const options = [["Keep " + rec.a + " (1)", "keep_a", `The team takes ${rec.a}'s coding here`],
      ["Keep " + rec.b + " (2)", "keep_b", `The team takes ${rec.b}'s coding here`],
      ["Keep both (3)", "keep_both", "The team takes both coders' spans here"],
      ["Reject (x)", "reject", "The team does not code this passage with this code"]];
    for (const [label, decision, title] of options) {
      row.appendChild(this.button(label, why || title, () => r.decideDisagreement(d, decision), noCoder));
    }
    block.appendChild(row);
    const picked = r.recPick && r.recPick.item === d.id ? r.recPick : null;
    const agree = el("div", "wbr-actions");
    agree.appendChild(this.button(picked ? `Agree on “${shorten(picked.text, 40)}”` : "Agree on the selected words",
      why || (picked ? "The team codes exactly these words" : "Select words inside the passage first"),
      () => r.decideDisagreement(d, "agree_custom"), noCoder || !picked));
    agree.appendChild(this.button("Next (n)", "The next open disagreement", () => r.nextDisagreement()));
    block.appendChild(agree);
    if (!picked) block.appendChild(el("div", "wbr-hint", "To agree on part of the passage, select its words."));
    return block;
  }
});
