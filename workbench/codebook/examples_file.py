"""Training examples for a codebook: short passages labelled with the codes they carry.

They teach the semantic classifier what each code looks like before (and besides) the
project's own codings. A file `<codebook>.examples.yaml` beside a codebook is loaded with it.
Format: a YAML list of mappings with `text` and `codes` (a list, empty for a passage that
carries none of the codes), optionally `id`, `style` and `note`.
"""

from __future__ import annotations

from pathlib import Path

from workbench.codebook.codebook_file import _Reader, compose_yaml, read_yaml_file

EXAMPLE_KEYS = {"id", "text", "codes", "style", "note"}
MAX_EXAMPLES = 20_000
MAX_TEXT = 5_000


def companion_path(codebook_path: str | Path) -> Path:
    """Where a codebook's training examples live: `name.yaml` -> `name.examples.yaml`."""
    path = Path(codebook_path)
    return path.with_name(path.stem + ".examples.yaml")


def parse_examples(text: str, source: str, known_codes: set[str]) -> list[dict]:
    """Validated examples [{ref, text, codes}]; errors name the file, line and the fix."""
    import yaml

    root = compose_yaml(text, source)
    reader = _Reader(source)
    if root is None or not isinstance(root, yaml.SequenceNode):
        reader.fail(root, "training examples are a list of passages", "write `- text: ...` items with `codes: [...]`")
    if len(root.value) > MAX_EXAMPLES:
        reader.fail(root, f"more than {MAX_EXAMPLES:,} examples", "split the file or keep the most typical passages")
    out = []
    for n, node in enumerate(root.value, 1):
        if not isinstance(node, yaml.MappingNode):
            reader.fail(node, f"example {n} is not a mapping", "write `- text: ...` with `codes: [...]`")
        item = reader.value(node)
        unknown = set(item) - EXAMPLE_KEYS
        if unknown:
            reader.fail(node, f"example {n} has unknown key {min(unknown)!r}",
                        "allowed keys: " + ", ".join(sorted(EXAMPLE_KEYS)))
        passage = item.get("text")
        if not isinstance(passage, str) or not passage.strip() or len(passage) > MAX_TEXT:
            reader.fail(node, f"example {n} needs a `text` of 1 to {MAX_TEXT:,} characters", "add the passage as text")
        codes = item.get("codes")
        if codes is None or not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            reader.fail(node, f"example {n} needs `codes`, a list of code ids", "use `codes: []` for a passage with none")
        missing = [c for c in codes if c not in known_codes]
        if missing:
            reader.fail(node, f"example {n} names unknown code {missing[0]!r}", "use ids from the codebook")
        out.append({"ref": str(item.get("id") or n), "text": " ".join(passage.split()), "codes": sorted(set(codes))})
    return out


def load_examples_file(path: str | Path, known_codes: set[str]) -> list[dict]:
    """Read and validate a training examples file."""
    path = Path(path)
    return parse_examples(read_yaml_file(path, "training examples", "check the path"), path.name, known_codes)
