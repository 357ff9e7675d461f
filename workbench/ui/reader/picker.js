// The code picker that opens at a selection: focus in its filter box, Enter applies the top match,
// arrows move, digits 1-9 apply pinned codes, Esc cancels; an optional memo.

class CodePicker {
  constructor(host, reader) {
    this.reader = reader;
    this.box = el("div", "wbr-picker");
    this.box.hidden = true;
    this.box.setAttribute("role", "dialog");
    this.box.setAttribute("aria-label", "Code the selection");
    this.preview = el("div", "wbr-preview");
    this.filter = el("input", "wbr-filter");
    this.filter.type = "text";
    this.filter.placeholder = "Type to find a code · Enter applies";
    this.filter.setAttribute("aria-label", "Find a code");
    this.pins = el("div", "wbr-pins");
    this.list = el("ul", "wbr-list");
    this.list.setAttribute("role", "listbox");
    this.memo = el("input", "wbr-memo");
    this.memo.type = "text";
    this.memo.placeholder = "Memo (optional)";
    this.memo.setAttribute("aria-label", "Memo");
    this.hint = el("div", "wbr-hint", "Enter applies the top code · ↑↓ move · 1–9 pinned codes (box empty) · Tab memo · Esc cancel");
    this.similar = el("button", "wbr-more", "More like this");
    this.similar.type = "button";
    this.similar.tabIndex = -1;
    this.similar.title = "List the passages closest in meaning to this selection, below the reader (nothing is coded)";
    this.similar.addEventListener("click", () => {
      const text = this.similarText;
      this.close();
      if (text) this.reader.send({ type: "similar", text });
    });
    for (const part of [this.preview, this.filter, this.pins, this.list, this.memo, this.hint, this.similar]) this.box.appendChild(part);
    host.appendChild(this.box);
    this.active = 0;
    this.matches = [];
    this.onApply = null;
    this.filter.addEventListener("input", () => { this.active = 0; this.refresh(); });
    this.filter.addEventListener("keydown", (e) => this.keydown(e, true));
    this.memo.addEventListener("keydown", (e) => this.keydown(e, false));
    this.box.addEventListener("mousedown", (e) => e.stopPropagation());
    this.box.addEventListener("mouseup", (e) => e.stopPropagation());
  }

  get isOpen() { return !this.box.hidden; }

  // Open at `at` ({left, top} inside the reader), showing `previewText`; onApply(codeId, memo).
  open(at, previewText, onApply, options = {}) {
    this.onApply = onApply;
    this.preview.textContent = previewText ? `“${shorten(previewText, 160)}”` : "";
    this.filter.value = "";
    this.memo.value = options.memo || "";
    this.memo.hidden = !!options.noMemo;
    this.exclude = options.exclude || null;
    this.similarText = options.similar || "";
    this.similar.hidden = !this.similarText;
    this.active = 0;
    this.box.hidden = false;
    this.refresh();
    placeBox(this.box, at, 440, 320);
    this.filter.focus({ preventScroll: true });
  }

  close() {
    if (this.box.hidden) return;
    this.box.hidden = true;
    this.onApply = null;
    this.reader.pickerClosed();
  }

  // Codes matching every word typed (label, id, path, definition): an exact label first, then labels that
  // start with what was typed, then recently used codes, then the rest in codebook order.
  ranked() {
    const data = this.reader.data;
    const typed = this.filter.value.toLowerCase().trim();
    const words = typed.split(/\s+/).filter(Boolean);
    const recent = data.recent || [];
    const out = [];
    for (const code of data.codes) {
      if (code.id === this.exclude) continue;
      const hay = `${code.label} ${code.id} ${code.path} ${code.definition || ""}`.toLowerCase();
      if (words.every((w) => hay.includes(w))) out.push(code);
    }
    const rank = (c) => {
      const label = c.label.toLowerCase();
      const r = recent.indexOf(c.id);
      if (typed && (label === typed || c.id.toLowerCase() === typed)) return 0;
      if (typed && label.startsWith(typed)) return 1;
      return r >= 0 ? 10 + r : 100;
    };
    return out.map((c, i) => [rank(c), i, c]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[2]);
  }

  refresh() {
    const data = this.reader.data;
    this.matches = this.ranked();
    this.list.replaceChildren();
    this.matches.slice(0, 60).forEach((code, i) => {
      const item = el("li", "wbr-opt" + (i === this.active ? " wbr-active" : ""));
      item.setAttribute("role", "option");
      item.dataset.code = code.id;
      const swatch = el("span", "wbr-swatch");
      swatch.style.background = code.color;
      item.appendChild(swatch);
      const path = el("span", "wbr-path", code.path);
      item.title = `${code.path} (${code.id})${code.definition ? "\n" + shorten(code.definition, 300) : ""}`;
      item.appendChild(path);
      const pinned = (data.pinned || []).includes(code.id);
      const pin = el("button", "wbr-pin" + (pinned ? " wbr-pinned" : ""), pinned ? "unpin" : "pin");
      pin.type = "button";
      pin.tabIndex = -1;
      pin.title = pinned ? "Unpin (frees its number key)" : "Pin to a number key 1–9";
      pin.addEventListener("click", (e) => {
        e.stopPropagation();
        this.reader.send({ type: pinned ? "unpin" : "pin", code: code.id });
        this.filter.focus({ preventScroll: true });
      });
      item.appendChild(pin);
      item.addEventListener("mouseenter", () => this.setActive(i));
      item.addEventListener("click", () => this.apply(code.id));
      this.list.appendChild(item);
    });
    if (!this.matches.length) this.list.appendChild(el("li", "wbr-none", "No code matches."));
    this.pins.replaceChildren();
    (data.pinned || []).slice(0, 9).forEach((id, i) => {
      const code = data.codesById[id];
      if (!code) return;
      const key = el("button", "wbr-pinkey", `${i + 1} ${code.label}`);
      key.type = "button";
      key.tabIndex = -1;
      key.title = `Press ${i + 1} (with the filter box empty) or click: apply ${code.path}`;
      key.addEventListener("click", () => this.apply(id));
      this.pins.appendChild(key);
    });
  }

  setActive(i) {
    this.active = Math.max(0, Math.min(i, Math.min(this.matches.length, 60) - 1));
    [...this.list.children].forEach((li, j) => li.classList.toggle("wbr-active", j === this.active));
    const li = this.list.children[this.active];
    if (li && li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
  }

  apply(codeId) {
    if (!codeId || !this.onApply) return;
    const done = this.onApply;
    const memo = this.memo.value.trim();
    this.box.hidden = true;
    this.onApply = null;
    done(codeId, memo);
  }

  keydown(e, inFilter) {
    e.stopPropagation();
    if (e.key === "Escape") { e.preventDefault(); this.close(); return; }
    if (e.key === "Enter") {
      e.preventDefault();
      const code = this.matches[this.active];
      if (code) this.apply(code.id);
      return;
    }
    if (e.key === "Tab") {
      e.preventDefault();
      (inFilter && !this.memo.hidden ? this.memo : this.filter).focus();
      return;
    }
    if (e.key === "ArrowDown") { e.preventDefault(); this.setActive(this.active + 1); return; }
    if (e.key === "ArrowUp") { e.preventDefault(); this.setActive(this.active - 1); return; }
    if (inFilter && /^[1-9]$/.test(e.key) && !this.filter.value) {
      const id = (this.reader.data.pinned || [])[Number(e.key) - 1];
      if (id) { e.preventDefault(); this.apply(id); }
    }
  }
}
