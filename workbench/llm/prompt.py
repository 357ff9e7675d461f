"""The coding prompt: the codebook's definitions in a system message, then one segment with its neighbouring turns.

The codebook comes first and is the same for every segment, so a server that keeps the prompt's prefix cached
(llama.cpp, Ollama, vLLM) reads it once. The answer is one JSON object:

    {"codes": [{"code": "skills_shortage", "quote": "exact words from the passage",
                "rationale": "why these words show the code", "confidence": "high"}]}

with an empty list when no code applies. TEMPLATE_VERSION changes whenever the wording or the answer's shape
does, so that stored answers of an older prompt are never mixed with new ones.
"""

from __future__ import annotations

TEMPLATE_VERSION = "codes-json-2"
CONFIDENCE = {"high": 1.0, "medium": 0.75, "low": 0.5}  # the score a suggestion gets from its confidence
MAX_CONTEXT_CHARS = 600  # of each neighbouring turn


def _code_block(code: dict, path: str) -> str:
    lines = [f"- {code['id']} ({path})"]
    if code.get("description"):
        lines.append(f"  Definition: {' '.join(str(code['description']).split())}")
    for key, title in (("include", "Code when"), ("exclude", "Do not code when")):
        for item in code.get(key) or []:
            lines.append(f"  {title}: {' '.join(str(item).split())}")
    for example in (code.get("examples") or [])[:3]:
        lines.append(f"  Example: \"{' '.join(str(example).split())}\"")
    return "\n".join(lines)


def codebook_text(codes: list[dict]) -> str:
    """The codes in tree order, each with its path, definition, criteria and up to three examples."""
    labels = {c["id"]: c.get("label") or c["id"] for c in codes}
    parents = {c["id"]: c.get("parent_id") for c in codes}

    def path(code_id: str) -> str:
        parts = []
        while code_id is not None and code_id in labels and len(parts) < 10:
            parts.append(labels[code_id])
            code_id = parents.get(code_id)
        return " > ".join(reversed(parts))

    return "\n".join(_code_block(c, path(c["id"])) for c in codes)


def system_message(codes: list[dict]) -> str:
    return (
        "You are a careful qualitative researcher coding interview transcripts and documents against a codebook.\n"
        "Codebook (code id, path, definition, criteria, examples):\n"
        f"{codebook_text(codes)}\n\n"
        "Task: read the PASSAGE and decide which codes apply to it. The turns before and after are context only: "
        "never code them. Apply a code only when the passage itself clearly fits its definition; prefer the most "
        "specific code. Most passages carry no code or one code.\n"
        'Answer with one JSON object and nothing else, of the form {"codes": [...]}, one item per code that applies, '
        'each with "code" (a code id from the codebook), "quote" (words copied character for character from the '
        'PASSAGE that show the code), "rationale" (one short sentence) and "confidence" ("high", "medium" or '
        '"low"). Answer {"codes": []} when no code applies.'
    )


def _turn(label: str, turn: dict | None) -> str:
    if not turn or not (turn.get("text") or "").strip():
        return ""
    text = " ".join(turn["text"].split())
    if len(text) > MAX_CONTEXT_CHARS:
        text = text[:MAX_CONTEXT_CHARS] + " …"
    speaker = f"{turn['speaker']}: " if turn.get("speaker") else ""
    return f"{label} (context, do not code): {speaker}{text}\n"


def build_messages(codes: list[dict], text: str, speaker: str | None = None, before: dict | None = None,
                   after: dict | None = None, title: str | None = None) -> list[dict]:
    """Chat messages asking for the codes of one passage."""
    user = (f"Document: {title}\n" if title else "") + _turn("Turn before", before) + (
        f"PASSAGE{' (' + speaker + ')' if speaker else ''}:\n{text}\n") + _turn("Turn after", after) + (
        "Which codes apply to the PASSAGE? Answer with the JSON object only.")
    return [{"role": "system", "content": system_message(codes)}, {"role": "user", "content": user}]


def answer_schema(code_ids: list[str]) -> dict:
    """JSON schema of the answer, the codes limited to the codebook's ids."""
    return {
        "type": "object",
        "properties": {
            "codes": {
                "type": "array",
                "maxItems": 3,
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "enum": list(code_ids)},
                        "quote": {"type": "string", "maxLength": 300},
                        "rationale": {"type": "string", "maxLength": 200},
                        "confidence": {"type": "string", "enum": list(CONFIDENCE)},
                    },
                    "required": ["code", "quote", "rationale", "confidence"],
                },
            }
        },
        "required": ["codes"],
    }
