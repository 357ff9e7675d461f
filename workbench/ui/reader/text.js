// Text helpers of the reader: code-point offsets, word snapping, and safe element building.
// Offsets in the store are code points; JavaScript strings count UTF-16 units, so every
// conversion between the two goes through these functions.

const SURROGATE = /[\uD800-\uDFFF]/;

function cpLength(s) {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xDC00 || c > 0xDFFF) n++;
  }
  return n;
}

// UTF-16 index of code point `cp` in `s`.
function unitIndex(s, cp) {
  if (!SURROGATE.test(s)) return Math.min(cp, s.length);
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

function cpSlice(s, a, b) {
  return s.slice(unitIndex(s, a), unitIndex(s, b));
}

// An element with a class and, optionally, text inserted as a text node (never as HTML).
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.appendChild(document.createTextNode(String(text)));
  return node;
}

function rgba(hex, alpha) {
  let h = String(hex || "#888888").replace("#", "");
  if (h.length === 3) h = h.split("").map((c) => c + c).join("");
  if (!/^[0-9a-fA-F]{6}$/.test(h)) h = "888888";
  const n = parseInt(h, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

const WORDS = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;

// Word pieces of a text: [{index, end, word}] in UTF-16 units (CJK split by the browser's dictionary).
function wordPieces(text) {
  const out = [];
  if (WORDS) {
    for (const piece of WORDS.segment(text)) {
      out.push({ index: piece.index, end: piece.index + piece.segment.length, word: !!piece.isWordLike });
    }
    return out;
  }
  const re = /[\p{L}\p{N}\p{M}'’_-]+|[^\p{L}\p{N}\p{M}'’_-]+/gu;
  for (const m of text.matchAll(re)) {
    out.push({ index: m.index, end: m.index + m[0].length, word: /[\p{L}\p{N}]/u.test(m[0]) });
  }
  return out;
}

// Snap a UTF-16 range [a, b) of `text` to whole words: a word cut at either end is taken whole,
// spaces at either end are dropped, punctuation next to a word is kept.
function snapRange(text, pieces, a, b) {
  for (const p of pieces) {
    if (p.word && p.index < a && a < p.end) { a = p.index; break; }
  }
  for (const p of pieces) {
    if (p.word && p.index < b && b < p.end) { b = p.end; break; }
  }
  while (a < b && /\s/.test(text[a])) a++;
  while (b > a && /\s/.test(text[b - 1])) b--;
  return [a, b];
}

// Place a floating box inside its host at `at` ({left, top, above}): kept inside the host's width, and put
// above the selection or click (`above`) when it would run past the host's bottom.
function placeBox(box, at, width0, height0) {
  const host = box.parentElement.getBoundingClientRect();
  const width = box.offsetWidth || width0, height = box.offsetHeight || height0;
  let top = at.top;
  if (top + height > host.height && at.above !== undefined && at.above - height - 6 > 0) top = at.above - height - 6;
  box.style.left = `${Math.max(4, Math.min(at.left, host.width - width - 4))}px`;
  box.style.top = `${Math.max(4, top)}px`;
}

function shorten(s, n) {
  const flat = String(s).replace(/\s+/g, " ").trim();
  return flat.length > n ? flat.slice(0, n - 1) + "…" : flat;
}

function isTyping(target) {
  if (!target || !target.tagName) return false;
  const tag = target.tagName.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
}
