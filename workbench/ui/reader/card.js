// The card that opens on a click at a stripe or tinted text: what coded it, and what can be done.

class DetailCard {
  constructor(host, reader) {
    this.reader = reader;
    this.box = el("div", "wbr-card");
    this.box.hidden = true;
    this.box.setAttribute("role", "dialog");
    this.box.setAttribute("aria-label", "Codings here");
    host.appendChild(this.box);
    this.box.addEventListener("mousedown", (e) => e.stopPropagation());
    this.box.addEventListener("mouseup", (e) => e.stopPropagation());
    this.box.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); this.close(); }
    });
  }

  get isOpen() { return !this.box.hidden; }

  close() {
    const was = !this.box.hidden;
    this.box.hidden = true;
    this.box.replaceChildren();
    this.shown = null;
    if (was) this.reader.cardClosed();
  }

  // The coder's own codings first, then other coders', then suggestions.
  order(items) {
    const me = this.reader.data.coder;
    const rank = (x) => (x.kind === "disagreement" ? -1 : x.kind === "suggestion" ? 2 : x.coder === me ? 0 : 1);
    return items.slice().sort((a, b) => rank(a) - rank(b));
  }

  show(at, items) {
    this.box.replaceChildren();
    const close = el("button", "wbr-close", "×");
    close.type = "button";
    close.title = "Close (Esc)";
    close.addEventListener("click", () => this.close());
    this.box.appendChild(close);
    for (const item of this.order(items)) {
      this.box.appendChild(item.kind === "disagreement" ? this.disagreement(item)
        : item.kind === "suggestion" ? this.suggestion(item) : this.coding(item));
    }
    this.box.hidden = false;
    this.shown = items;
    placeBox(this.box, at, 380, 200);
  }

  showing(item) {
    return !this.box.hidden && !!this.shown && this.shown.some((x) => x.kind === item.kind && x.id === item.id);
  }

  header(item, dashed) {
    const code = this.reader.data.codesById[item.code] || { path: item.code, color: "#888888" };
    const head = el("div", "wbr-card-head");
    const swatch = el("span", "wbr-swatch" + (dashed ? " wbr-dashed" : ""));
    swatch.style.background = dashed ? "transparent" : code.color;
    swatch.style.borderColor = code.color;
    head.appendChild(swatch);
    head.appendChild(el("span", "wbr-path", code.path));
    return head;
  }

  button(label, title, action, disabled) {
    const b = el("button", "wbr-btn", label);
    b.type = "button";
    b.title = title;
    b.disabled = !!disabled;
    b.addEventListener("click", action);
    return b;
  }

  coding(c) {
    const r = this.reader;
    const own = r.data.coder && c.coder === r.data.coder;
    const block = el("div", "wbr-item");
    block.dataset.coding = c.id;
    block.appendChild(this.header(c, false));
    block.appendChild(el("div", "wbr-card-meta", `${c.coder} · ${String(c.date || "").slice(0, 10)} · ${sourceLabel(c.source)}`));
    block.appendChild(el("div", "wbr-quote", `“${shorten(r.snippet(c.start, c.end), 200)}”`));
    if (c.memo) block.appendChild(el("div", "wbr-card-memo", c.memo));
    const why = own ? "" : ` (coded by ${c.coder}; only they can change it)`;
    if (!own) block.appendChild(el("div", "wbr-card-note", r.data.coder ? `Coded by ${c.coder}: only they can change it.`
      : "Enter your coder name in the sidebar to change your own codings."));
    const row = el("div", "wbr-actions");
    row.appendChild(this.button("Remove", "Remove this coding" + why,
      () => { this.close(); r.send({ type: "remove", coding: c.id }); }, !own));
    row.appendChild(this.button("Recode", "Give this span another code" + why, () => {
      const at = { left: parseFloat(this.box.style.left), top: parseFloat(this.box.style.top) };
      this.close();
      r.picker.open(at, r.snippet(c.start, c.end), (code) => r.send({ type: "recode", coding: c.id, code }), { noMemo: true });
    }, !own));
    row.appendChild(this.button("Memo", "Write or change the memo on this coding" + why, () => {
      const area = el("textarea", "wbr-memo-edit");
      area.value = c.memo || "";
      area.setAttribute("aria-label", "Memo on this coding");
      const saveMemo = () => { this.close(); r.send({ type: "memo", coding: c.id, memo: area.value }); };
      const save = this.button("Save memo", "Save the memo (Ctrl+Enter)", saveMemo);
      area.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); saveMemo(); }
      });
      row.replaceChildren(area, save);
      area.focus();
    }, !own));
    block.appendChild(row);
    const more = el("div", "wbr-actions");
    more.appendChild(this.button("More like this", "List the passages closest in meaning to this coding, below the reader",
      () => { this.close(); r.send({ type: "similar", coding: c.id }); }));
    block.appendChild(more);
    return block;
  }

  suggestion(s) {
    const r = this.reader;
    const block = el("div", "wbr-item wbr-suggested");
    block.dataset.suggestion = s.id;
    block.appendChild(this.header(s, true));
    block.appendChild(el("div", "wbr-card-meta", `suggested · ${s.method} · score ${Number(s.score).toFixed(2)}`));
    block.appendChild(el("div", "wbr-quote", `“${shorten(r.snippet(s.start, s.end), 200)}”`));
    if (s.reason) block.appendChild(el("div", "wbr-reason", s.reason));
    if (s.trust) {
      const trust = el("div", "wbr-trust", s.trust);
      trust.title = "Measured by the newest validation on your own coding: suggestions of this code and method with a score like this one";
      block.appendChild(trust);
    }
    const row = el("div", "wbr-actions");
    const noCoder = !r.data.coder;
    row.appendChild(this.button("Accept (a)", noCoder ? "Enter your coder name first" : "Accept: code it", () => r.decide(s, "accept"), noCoder));
    row.appendChild(this.button("Reject (r)", noCoder ? "Enter your coder name first" : "Reject: never suggest it again", () => r.decide(s, "reject"), noCoder));
    row.appendChild(this.button("Next (n)", "The next suggestion in this document", () => r.nextSuggestion()));
    block.appendChild(row);
    return block;
  }
}

// Where a coding came from, in words: by hand, or the kind of suggestion accepted and what fired it.
function sourceLabel(source) {
  const parts = String(source || "manual").split(":");
  const kinds = { manual: "by hand", rule: "rule", rules: "rule", semantic: "classifier", classifier: "classifier",
    both: "rule and classifier", topic: "topic", import: "imported", refi: "imported" };
  const kind = kinds[parts[0]] || parts[0];
  if (parts[0] === "manual") return kind;
  const detail = parts.slice(2).join(" ");
  return `accepted ${kind} suggestion${detail ? ` (${detail})` : ""}`;
}
