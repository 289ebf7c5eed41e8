"""The import graph follows the layers of docs/architecture.md, read with the standard library's `ast`.

floor  (config, errors, db, SQL loader, contracts, taxonomy, storage, ...) imports only the floor;
stages (spiders, nlp, digests, search, entities, alerts, stories) import the floor and themselves, never another stage;
roof   (runners, CLI, web, Airflow support, dags) imports anything below it.
No module imports itself back through a circle, and an import inside a function says why on its line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("chainwatch", "spiders", "nlp", "dags")

FLOOR = "floor"
ROOF = "roof"
# Each stage is one unit: a module may import its own stage, never another one.
STAGES = (
    "spiders",
    "nlp",
    "chainwatch.digests",
    "chainwatch.search",
    "chainwatch.entities",
    "chainwatch.alerts",
    "chainwatch.stories",
)
ROOF_PREFIXES = ("chainwatch.runners", "chainwatch.cli", "chainwatch.web", "chainwatch.airflow_support", "dags")
FLOOR_MODULES = (
    "chainwatch",
    "chainwatch.config",
    "chainwatch.errors",
    "chainwatch.db",
    "chainwatch.sqlfiles",
    "chainwatch.contracts",
    "chainwatch.taxonomy",
    "chainwatch.textsearch",
    "chainwatch.counts",
    "chainwatch.replay",
    "chainwatch.files",
    "chainwatch.untrusted",
    "chainwatch.mail",
    "chainwatch.storage",
)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> str:
    """'floor', 'roof', or the stage the module belongs to; KeyError for a module no layer claims."""
    for prefix in ROOF_PREFIXES:
        if _within(module, prefix):
            return ROOF
    for stage in STAGES:
        if _within(module, stage):
            return stage
    for prefix in FLOOR_MODULES:
        if module == prefix or (prefix != "chainwatch" and _within(module, prefix)):
            return FLOOR
    raise KeyError(module)


def allowed(importer: str, imported: str) -> bool:
    src, dst = layer_of(importer), layer_of(imported)
    if src == ROOF or dst == FLOOR:
        return True
    return src == dst  # a stage reaches its own modules; the floor reaches nothing above it


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            # the labelling scripts are run by path (`python nlp/training/labelling/x.py`), not imported
            if "labelling" in path.parts and path.name != "__init__.py":
                continue
            found[_module_name(path)] = path
    return found


MODULES = project_modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name refers to (a module, or the package holding a name)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(path: Path) -> list[tuple[str, int, bool, str]]:
    """(imported project module, line, inside a function, the statement's text) for every import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.update(id(sub) for sub in ast.walk(node) if sub is not node)
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}:{node.lineno}: relative import; the project imports absolutely")
        for name in names:
            text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
            found.append((_resolve(name), node.lineno, id(node) in nested, text))
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, *_ in imports_of(path):
            if target and target != module:
                edges[module].add(target)
    return edges


def test_every_module_has_a_layer():
    unclaimed = []
    for module in MODULES:
        try:
            layer_of(module)
        except KeyError:
            unclaimed.append(module)
    assert not unclaimed, f"add these modules to a layer in tests/test_architecture.py: {unclaimed}"


def test_imports_point_down_only():
    violations = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in graph().items()
        for target in sorted(targets)
        if not allowed(module, target)
    ]
    assert not violations, "imports against the layers:\n" + "\n".join(violations)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _without_package_inits(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    # A package's __init__ that re-exports its submodules is imported by them as part of importing
    # themselves; that edge is Python's package mechanism, not a dependency circle.
    return {m: {t for t in targets if not _within(m, t)} for m, targets in edges.items()}


def test_no_import_circles():
    assert _cycles(_without_package_inits(graph())) == []


def test_imports_inside_functions_say_why():
    silent = [
        f"{path.relative_to(ROOT)}:{line}: {text.strip()}"
        for path in MODULES.values()
        for _, line, inside, text in imports_of(path)
        if inside and "#" not in text
    ]
    assert not silent, "an import inside a function needs a one-line reason on its line:\n" + "\n".join(silent)


@pytest.mark.parametrize(
    ("importer", "imported", "ok"),
    [
        ("chainwatch.storage.articles", "chainwatch.config", True),
        ("chainwatch.storage.articles", "spiders.registry", False),  # the floor reaching up
        ("spiders.spider", "chainwatch.storage.articles", True),
        ("chainwatch.digests.build", "nlp.classifier", False),  # a stage reaching sideways
        ("nlp.training.train", "nlp.classifier", True),
        ("chainwatch.runners.crawl", "spiders.registry", True),
        ("spiders.spider", "chainwatch.runners.crawl", False),  # a stage reaching the roof
    ],
)
def test_the_rule_itself(importer, imported, ok):
    assert allowed(importer, imported) is ok


def test_the_checker_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
