"""Codebooks as YAML: parse with line numbers, validate, and write back.

Errors name the file, the line and the code id, and say what to fix; a codebook
with any error is refused whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import CodebookError
from workbench.store.code_records import COLOR_RE, ID_RE, Code, Codebook

TOP_KEYS = {"version", "name", "title", "description", "codes"}
CODE_KEYS = {"id", "label", "description", "include", "exclude", "examples", "color", "patterns", "children"}
PATTERN_KEYS = {"keywords", "phrases", "lemmas", "tokens"}
LIST_KEYS = ("include", "exclude", "examples")


class _Reader:
    """Turns a composed YAML node tree into plain values, keeping line numbers."""

    def __init__(self, source: str):
        import yaml

        self.source = source
        self.constructor = yaml.SafeLoader("")
        self.stack: list[int] = []

    def fail(self, node, message: str, fix: str) -> None:
        line = f" line {node.start_mark.line + 1}" if node is not None else ""
        raise CodebookError(f"{self.source}{line}: {message}", hint=fix)

    def value(self, node):
        import yaml

        if id(node) in self.stack:
            self.fail(node, "a code contains itself (a YAML alias makes a cycle)",
                      "give each code its own entry instead of an alias")
        if isinstance(node, yaml.ScalarNode):
            return self.constructor.construct_object(node, deep=True)
        self.stack.append(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item) for item in node.value]
            out = {}
            for key_node, value_node in node.value:
                key = self.value(key_node)
                if key in out:
                    self.fail(key_node, f"the key {key!r} appears twice", "keep one of them")
                out[key] = self.value(value_node)
            return out
        finally:
            self.stack.pop()


def compose_yaml(text: str, source: str):
    """The YAML node tree of a text (line numbers kept); a syntax error names the file and line."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise CodebookError(f"{source}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})",
                            hint="check indentation, colons and quotes around that line") from exc


def parse_codebook(text: str, source: str = "codebook") -> Codebook:
    """Parse and validate codebook YAML; raises CodebookError naming line and code."""
    import yaml

    root = compose_yaml(text, source)
    reader = _Reader(source)
    if root is None or not isinstance(root, yaml.MappingNode):
        reader.fail(root, "a codebook is a mapping with version, name and codes", "see codebooks/README.md")
    top = {reader.value(k): v for k, v in root.value}
    unknown = set(top) - TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        reader.fail(next(k for k, _ in root.value if reader.value(k) == key),
                    f"unknown key {key!r} at the top", "allowed keys: " + ", ".join(sorted(TOP_KEYS)))
    for required in ("version", "name", "codes"):
        if required not in top:
            reader.fail(root, f"missing {required!r}", f"add `{required}:` at the top")
    name = str(reader.value(top["name"]))
    if not ID_RE.match(name):
        reader.fail(top["name"], f"name {name!r} is not snake_case", "use lower-case letters, digits and _")
    codes_node = top["codes"]
    if not isinstance(codes_node, yaml.SequenceNode) or not codes_node.value:
        reader.fail(codes_node, "`codes` must be a non-empty list", "list codes with `- id: ...`")
    seen: dict[str, int] = {}
    codes = [_code(reader, node, seen) for node in codes_node.value]
    return Codebook(name=name, version=str(reader.value(top["version"])), codes=codes,
                    title=str(reader.value(top["title"])) if "title" in top else "",
                    description=str(reader.value(top["description"])) if "description" in top else "",
                    source=source)


def _code(reader: _Reader, node, seen: dict[str, int]) -> Code:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        reader.fail(node, "each code must be a mapping with id and label", "write `- id: my_code` then `label: ...`")
    if id(node) in reader.stack:
        reader.fail(node, "a code contains itself (a YAML alias makes a cycle)", "give each code its own entry")
    keys = {reader.value(k): (k, v) for k, v in node.value}
    code_id = reader.value(keys["id"][1]) if "id" in keys else None
    where = f"code {code_id!r}" if code_id else "a code"
    if not isinstance(code_id, str) or not ID_RE.match(code_id):
        reader.fail(node, f"{where} has no valid id", "ids are snake_case: lower-case letters, digits and _")
    unknown = [k for k in keys if k not in CODE_KEYS]
    if unknown:
        reader.fail(keys[unknown[0]][0], f"{where}: unknown key {unknown[0]!r}",
                    "allowed keys: " + ", ".join(sorted(CODE_KEYS)))
    line = node.start_mark.line + 1
    if code_id in seen:
        reader.fail(node, f"duplicate id {code_id!r} (first at line {seen[code_id]})", "give each code its own id")
    seen[code_id] = line
    if "label" not in keys or not str(reader.value(keys["label"][1]) or "").strip():
        reader.fail(node, f"{where} has no label", "add `label: ...`")
    code = Code(id=code_id, label=str(reader.value(keys["label"][1])).strip(), line=line)
    if "description" in keys:
        code.description = str(reader.value(keys["description"][1]) or "").strip()
    for key in LIST_KEYS:
        if key in keys:
            value = reader.value(keys[key][1]) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
                reader.fail(keys[key][1], f"{where}: `{key}` must be a list of texts", f"write `{key}: [\"...\"]`")
            setattr(code, key, [str(v).strip() for v in value])
    if "color" in keys:
        color = reader.value(keys["color"][1])
        if not isinstance(color, str) or not COLOR_RE.match(color):
            reader.fail(keys["color"][1], f"{where}: bad colour {color!r}", 'write it as "#RRGGBB", e.g. "#2a9d8f"')
        code.color = color.lower()
    if "patterns" in keys:
        code.patterns = _patterns(reader, keys["patterns"][1], where)
    if "children" in keys:
        children = keys["children"][1]
        if not isinstance(children, yaml.SequenceNode):
            reader.fail(children, f"{where}: `children` must be a list of codes", "indent sub-codes as `- id: ...`")
        reader.stack.append(id(node))
        try:
            code.children = [_code(reader, child, seen) for child in children.value]
        finally:
            reader.stack.pop()
    return code


def _patterns(reader: _Reader, node, where: str) -> dict[str, list]:
    patterns = reader.value(node) or {}
    if not isinstance(patterns, dict):
        reader.fail(node, f"{where}: `patterns` must be a mapping", "keys: " + ", ".join(sorted(PATTERN_KEYS)))
    unknown = sorted(set(patterns) - PATTERN_KEYS)
    if unknown:
        reader.fail(node, f"{where}: unknown pattern kind {unknown[0]!r}", "kinds: " + ", ".join(sorted(PATTERN_KEYS)))
    out: dict[str, list] = {}
    for kind in ("keywords", "phrases", "lemmas"):
        values = patterns.get(kind) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            reader.fail(node, f"{where}: `{kind}` must be a list of non-empty texts", f"write `{kind}: [word, ...]`")
        if values:
            out[kind] = [" ".join(v.split()) for v in values]
    tokens = patterns.get("tokens") or []
    if not isinstance(tokens, list):
        reader.fail(node, f"{where}: `tokens` must be a list of spaCy token patterns", "each is a list of {ATTR: value}")
    for i, pattern in enumerate(tokens):
        problem = token_pattern_problem(pattern)
        if problem:
            reader.fail(node, f"{where}: token pattern {i + 1} is malformed ({problem})",
                        "see https://spacy.io/usage/rule-based-matching (e.g. [{LOWER: supply}, {LOWER: chain}])")
    if tokens:
        out["tokens"] = tokens
    return out


def token_pattern_problem(pattern: Any) -> str | None:
    """Why spaCy's Matcher would refuse a token pattern, or None if it is valid."""
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
        return "a pattern is a non-empty list of token dicts"
    from workbench.nlp.pipelines import blank_vocab_matcher

    try:
        blank_vocab_matcher().add("check", [pattern])
    except (ValueError, KeyError, TypeError) as exc:
        return " ".join(str(exc).split())[:160]
    return None


def read_yaml_file(path: Path, what: str, missing_hint: str) -> str:
    """The UTF-8 text of a codebook or examples file; a missing or unreadable file is a CodebookError."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CodebookError(f"no {what} file {path}", hint=missing_hint) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path.name}: cannot read ({exc})", hint=f"save the {what} as UTF-8 text") from exc


def load_codebook_file(path: str | Path) -> Codebook:
    """Read and validate a codebook file."""
    path = Path(path)
    return parse_codebook(read_yaml_file(path, "codebook", "ship codebooks live in codebooks/*.yaml"), path.name)


def code_to_dict(code: Code) -> dict[str, Any]:
    """A code as the mapping it is written as in YAML (empty fields left out)."""
    out: dict[str, Any] = {"id": code.id, "label": code.label}
    if code.description:
        out["description"] = code.description
    for key in LIST_KEYS:
        if getattr(code, key):
            out[key] = list(getattr(code, key))
    if code.color:
        out["color"] = code.color
    if code.patterns:
        out["patterns"] = code.patterns
    if code.children:
        out["children"] = [code_to_dict(c) for c in code.children]
    return out


def codebook_to_yaml(codebook: Codebook) -> str:
    """YAML text for a codebook; parsing it again gives the same codebook."""
    import yaml

    version: Any = int(codebook.version) if codebook.version.isdigit() else codebook.version
    data: dict[str, Any] = {"version": version, "name": codebook.name}
    if codebook.title:
        data["title"] = codebook.title
    if codebook.description:
        data["description"] = codebook.description
    data["codes"] = [code_to_dict(c) for c in codebook.codes]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
