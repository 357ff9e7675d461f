// Keys in the reader: n/j next suggestion, k previous, a accept, r reject while its card shows, Esc, Ctrl+Z undo
// (in reconcile mode n/j/k move through disagreements instead: see reconcile.js).
// (Methods of Reader, added after its class.)
Object.assign(Reader.prototype, {
  cardClosed() {
    if (this.current) this.setCurrent(null);
    if (this.currentRec) this.setCurrentRec(null);
    if (this.recPick) {
      const { start, end } = this.recPick;
      this.recPick = null;
      for (let i = this.segmentAfter(start); i <= this.segmentBefore(end); i++) this.draw(i);
    }
  },

  setCurrent(s) {
    const before = this.current;
    this.current = s;
    for (const x of [before, s]) {
      if (!x) continue;
      for (let i = this.segmentAfter(x.start); i <= this.segmentBefore(x.end); i++) this.draw(i);
    }
  },

  focusSuggestion(s) {
    this.setCurrent(s);
    this.scrollToCp(s.start);
    requestAnimationFrame(() => {
      const span = this.docEl.querySelector(".wbr-current");
      const host = this.root.getBoundingClientRect();
      const r = span ? span.getBoundingClientRect() : this.scroller.getBoundingClientRect();
      this.card.show({ left: r.left - host.left, top: r.bottom - host.top + 6, above: r.top - host.top }, [s]);
    });
  },

  nextSuggestion() {
    if (!this.suggestions.length) return;
    const from = this.current ? this.current.start : -1;
    const next = this.suggestions.find((s) => s.start > from || (s.start === from && this.current && s.id > this.current.id))
      || this.suggestions[0];
    this.focusSuggestion(next);
  },

  previousSuggestion() {
    if (!this.suggestions.length) return;
    const from = this.current ? this.current.start : Infinity;
    const before = this.suggestions.filter((s) => s.start < from || (s.start === from && this.current && s.id < this.current.id));
    this.focusSuggestion(before.length ? before[before.length - 1] : this.suggestions[this.suggestions.length - 1]);
  },

  decide(s, verb) {
    if (!this.data.coder) return;
    this.card.close();
    this.current = null;
    this.advanceFrom = s.start;
    this.send({ type: verb, suggestion: s.id });
  },

  keydown(e) {
    if (!this.root.isConnected) return;
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "z" && !isTyping(e.target)
        && !this.picker.isOpen && this.data.coder) {
      e.preventDefault();
      e.stopImmediatePropagation();
      this.send({ type: "undo" });
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape" && (this.picker.isOpen || this.card.isOpen)) {
      this.picker.close();
      this.card.close();
      e.preventDefault();
      return;
    }
    if (isTyping(e.target) || this.picker.isOpen) return;
    const key = e.key.toLowerCase();
    let handled = false;
    if (this.reconciling) handled = this.reconcileKey(key);
    else if (key === "n" && this.suggestions.length) { this.nextSuggestion(); handled = true; }
    else if (key === "j") { this.nextSuggestion(); handled = this.suggestions.length > 0; }
    else if (key === "k") { this.previousSuggestion(); handled = this.suggestions.length > 0; }
    else if ((key === "a" || key === "r") && this.current && this.data.coder && this.card.showing(this.current)) {
      this.decide(this.current, key === "a" ? "accept" : "reject");
      handled = true;
    }
    if (handled) { e.preventDefault(); e.stopImmediatePropagation(); }
  }
});
