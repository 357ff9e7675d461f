"""The layering of ARCHITECTURE.md, read from the package's imports: no arrow runs up the layers, no circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Top to bottom; a module may import from its own entry or any entry below it, never above.
LAYERS = [
    ("app_pages", "streamlit_app", "workbench.cli", "workbench.ui"),
    ("workbench.project",),
    ("workbench.merge",),
    ("workbench.export",),
    ("workbench.topics",),
    ("workbench.autocode", "workbench.validation", "workbench.llm"),
    ("workbench.coding", "workbench.accounts"),
    ("workbench.codebook",),
    ("workbench.ingest",),
    ("workbench.history",),
    ("workbench.privacy",),
    ("workbench.embeddings",),
    ("workbench.nlp",),
    ("workbench.files",),
    ("workbench.store",),
    ("workbench.render", "workbench.errors"),
]


def layer_of(module: str) -> int | None:
    for depth, entries in enumerate(LAYERS):
        if any(module == e or module.startswith(e + ".") for e in entries):
            return depth
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports() -> dict[str, set[str]]:
    """{module: workbench modules it imports}, counting imports inside functions; TYPE_CHECKING blocks left out."""
    files = [*ROOT.glob("workbench/**/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "streamlit_app.py"]
    graph = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        found = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("workbench")}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("workbench"):
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}".replace(".", "/") in KNOWN
                          else node.module for a in node.names}
        graph[module_name(path)] = found
    return graph


KNOWN = {str(p.relative_to(ROOT).with_suffix("")).removesuffix("/__init__") for p in ROOT.glob("workbench/**/*.py")}


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in imports() if m != "workbench" and layer_of(m) is None)
    assert unplaced == [], f"add these to LAYERS (and ARCHITECTURE.md): {unplaced}"


def test_no_import_runs_up_the_layers():
    upward = sorted(f"{module} -> {target}" for module, targets in imports().items() for target in targets
                    if layer_of(module) is not None and layer_of(target) is not None
                    and layer_of(target) < layer_of(module))
    assert upward == [], "imports that run up the layers:\n" + "\n".join(upward)


def test_no_import_circle():
    graph = {m: {t for t in targets if t in imports_cache and t != m} for m, targets in imports_cache.items()}
    circles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"
    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == [], "import circles:\n" + "\n".join(circles)


imports_cache = imports()


@pytest.mark.parametrize("package", ["workbench"])
def test_no_module_is_over_400_lines(package):
    long = sorted(f"{p.relative_to(ROOT)} ({n})" for p in (ROOT / package).rglob("*.py")
                  if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400)
    assert long == []
