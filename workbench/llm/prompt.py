"""The coding prompt: the codebook's definitions in a system message, then one segment with its neighbouring turns.

The codebook comes first and is the same for every segment, so a server that keeps the prompt's prefix cached
(llama.cpp, Ollama, vLLM) reads it once. The answer is one JSON object:

    {"codes": [{"code": "skills_shortage", "quote": "exact words from the passage",
                "rationale": "why these words show the code", "confidence": "high"}]}

with an empty list when no code applies. TEMPLATE_VERSION changes whenever the wording or the answer's shape
does, so that stored answers of an older prompt are never mixed with new ones.
"""

from __future__ import annotations

TEMPLATE_VERSION = "codes-json-3"
# full: each code's definition, criteria and examples (about 6,000 tokens for the sample codebook); compact: each
# code's first sentence of definition only, for models with a short context (Ollama's default is 2,048 or 4,096
# tokens unless OLLAMA_CONTEXT_LENGTH raises it) or little capacity.
PROMPTS = ("full", "compact")
CONFIDENCE = {"high": 1.0, "medium": 0.75, "low": 0.5}  # the score a suggestion gets from its confidence
MAX_CONTEXT_CHARS = 600  # of each neighbouring turn


def template_name(prompt: str = "full") -> str:
    """The template's name as runs record it and prompt keys hash it: its version, and the variant if not full."""
    return TEMPLATE_VERSION if prompt == "full" else f"{TEMPLATE_VERSION}-{prompt}"


def _first_sentence(text: str) -> str:
    text = " ".join(str(text).split())
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def _code_block(code: dict, path: str, compact: bool = False) -> str:
    if compact:
        return f"- {code['id']} ({path}): {_first_sentence(code.get('description') or '')}".rstrip(": ")
    lines = [f"- {code['id']} ({path})"]
    if code.get("description"):
        lines.append(f"  Definition: {' '.join(str(code['description']).split())}")
    for key, title in (("include", "Code when"), ("exclude", "Do not code when")):
        for item in code.get(key) or []:
            lines.append(f"  {title}: {' '.join(str(item).split())}")
    for example in (code.get("examples") or [])[:3]:
        lines.append(f"  Example: \"{' '.join(str(example).split())}\"")
    return "\n".join(lines)


def codebook_text(codes: list[dict], compact: bool = False) -> str:
    """The codes in tree order, each with its path, definition, criteria and up to three examples (compact: the
    first sentence of its definition only)."""
    labels = {c["id"]: c.get("label") or c["id"] for c in codes}
    parents = {c["id"]: c.get("parent_id") for c in codes}

    def path(code_id: str) -> str:
        parts = []
        while code_id is not None and code_id in labels and len(parts) < 10:
            parts.append(labels[code_id])
            code_id = parents.get(code_id)
        return " > ".join(reversed(parts))

    return "\n".join(_code_block(c, path(c["id"]), compact) for c in codes)


def system_message(codes: list[dict], compact: bool = False) -> str:
    return (
        "You are a careful qualitative researcher coding interview transcripts and documents against a codebook.\n"
        f"Codebook (code id, path, definition{'' if compact else ', criteria, examples'}):\n"
        f"{codebook_text(codes, compact)}\n\n"
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
                   after: dict | None = None, title: str | None = None, compact: bool = False) -> list[dict]:
    """Chat messages asking for the codes of one passage."""
    user = (f"Document: {title}\n" if title else "") + _turn("Turn before", before) + (
        f"PASSAGE{' (' + speaker + ')' if speaker else ''}:\n{text}\n") + _turn("Turn after", after) + (
        "Which codes apply to the PASSAGE? Answer with the JSON object only.")
    return [{"role": "system", "content": system_message(codes, compact)}, {"role": "user", "content": user}]


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
                        "quote": {"type": "string"},
                        "rationale": {"type": "string"},
                        "confidence": {"type": "string", "enum": list(CONFIDENCE)},
                    },
                    "required": ["code", "quote", "rationale", "confidence"],
                },
            }
        },
        "required": ["codes"],
    }
