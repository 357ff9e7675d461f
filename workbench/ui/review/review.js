// The review card: draws one suggestion from `data` (text nodes only, never HTML) and turns keys into actions.
const KEYS = {
  a: "accept", r: "reject", j: "next", n: "next", k: "previous", o: "open",  // n as in the reader
  ArrowDown: "next", ArrowRight: "next", ArrowUp: "previous", ArrowLeft: "previous",
};
// Where a key belongs to what has focus: text fields, pickers, sliders, tables, buttons that take keys.
const BUSY = 'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"], '
  + '[role="combobox"], [role="listbox"], [role="slider"], [role="grid"], [role="menu"], [role="dialog"], '
  + '[data-testid="stDataFrame"], [data-testid="stSelectbox"], [data-testid="stMultiSelect"]';
const HEX = /^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$/;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.appendChild(document.createTextNode(String(text)));
  return node;
}

function turn(kind, speaker, pieces) {
  const box = el("div", "wb-turn " + kind);
  if (speaker) box.appendChild(el("span", "wb-who", speaker + ":"));
  pieces.forEach(([text, className]) => {
    if (text) box.appendChild(className ? el("mark", className, text) : document.createTextNode(text));
  });
  return box;
}

function draw(root, data) {
  root.replaceChildren();
  const item = data && data.item;
  if (!item) {
    root.appendChild(el("div", "wb-empty", "Nothing to review."));
    return;
  }
  root.classList.toggle("wb-off", !data.enabled);
  root.style.setProperty("--wb-hl", HEX.test(item.color || "") ? item.color : "#e4572e");
  root.dataset.suggestion = String(item.id);
  const head = el("div", "wb-head");
  head.appendChild(el("span", "wb-pos", `${data.position} of ${data.total}`));
  head.appendChild(el("span", "wb-code", item.code));
  head.appendChild(el("span", "wb-score", `score ${item.score}`));
  root.appendChild(head);
  root.appendChild(el("div", "wb-meta", [item.title, item.speaker].filter(Boolean).join(" · ")));
  if (item.before) root.appendChild(turn("wb-dim wb-before", item.before.speaker, [[item.before.text]]));
  const [left, hit, right] = item.passage;
  root.appendChild(turn("wb-main", item.speaker, [[left], [hit, "wb-hit"], [right]]));
  if (item.after) root.appendChild(turn("wb-dim wb-after", item.after.speaker, [[item.after.text]]));
  const reason = el("div", "wb-reason");
  reason.appendChild(el("b", "", "Why: "));
  reason.appendChild(document.createTextNode(item.reason || item.method));
  root.appendChild(reason);
  if (item.trust) root.appendChild(el("div", "wb-trust", item.trust));
  const keys = el("div", "wb-keys");
  [["a", " accept  "], ["r", " reject  "], ["j", " or "], ["n", " next  "], ["k", " previous (or arrows)  "], ["o", " open in reader"]]
    .forEach(([key, what]) => { keys.appendChild(el("kbd", "", key)); keys.appendChild(document.createTextNode(what)); });
  root.appendChild(keys);
}

function busy(event) {
  const path = event.composedPath ? event.composedPath() : [event.target];
  return path.some((node) => node instanceof Element && (node.isContentEditable || node.matches(BUSY)));
}

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const root = parentElement.querySelector(".wb-review");
  if (root) draw(root, data);
  const item = data && data.item;
  if (!item || !data.enabled) return () => {};
  let sent = false;
  let timer = null;
  const onKey = (event) => {
    if (sent || event.repeat || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const action = KEYS[event.key];
    if (!action || busy(event)) return;
    event.preventDefault();
    event.stopPropagation();  // ours, not Streamlit's own shortcut (r reruns the app)
    sent = true;  // one action per item: the next arrives with the next data
    timer = setTimeout(() => { sent = false; }, 2000);
    setTriggerValue("action", { action, id: item.id, at: Date.now() });
  };
  window.addEventListener("keydown", onKey, true);  // capture: before the app's own key handlers
  return () => {
    window.removeEventListener("keydown", onKey, true);
    if (timer) clearTimeout(timer);
  };
}
