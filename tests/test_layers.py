"""The code flows one way (../shared/design/architecture.md): every import, lazy ones included,
goes to the same layer or a lower one, ingest and the ask side never import each other, and
no layer has an import cycle.

Layers, low to high:

0. core: types, settings, constants, timing, and the ``Reading`` type (``onrecord.reading.result``);
1. text: names, roles, sentences, and the reading stage (``onrecord/reading/``: its tokenizer
   is the keyword index's too);
2. index: storage (``onrecord/index/``) and the embedding model and SQLite adapters it uses;
3. ingest (``ingest/``, writes) beside the ask side (the rest of ``onrecord/``, reads);
4. evaluation (``onrecord/evaluation/``);
5. shells: ``onrecord/cli.py``, ``app.py``, ``onrecord/ui/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

CORE = {
    "onrecord.types",
    "onrecord.settings",
    "onrecord.constants",
    "onrecord.timing",
    "onrecord.reading",
    "onrecord.reading.result",
}
TEXT = {"onrecord.names", "onrecord.roles", "onrecord.sentences", "onrecord.reading.words"}
INDEX_ADAPTERS = {"onrecord.embeddings", "onrecord.sqlite_guard"}
SHELLS = {"onrecord.cli", "onrecord.__main__", "app"}
ASK, INGEST = "ask", "ingest"


def layer(module: str) -> tuple[int, str]:
    """(rank, side) of a module; modules of one rank on different sides may not meet."""
    if module in CORE or module == "onrecord":
        return 0, ""
    if module in TEXT or module.startswith("onrecord.reading."):
        return 1, ""
    if module.startswith("onrecord.index") or module in INDEX_ADAPTERS:
        return 2, ""
    if module == "ingest" or module.startswith("ingest."):
        return 3, INGEST
    if module.startswith("onrecord.evaluation"):
        return 4, ""
    if module in SHELLS or module.startswith("onrecord.ui"):
        return 5, ""
    return 3, ASK


def product_modules() -> dict[str, Path]:
    files = [*(REPO / "onrecord").rglob("*.py"), *(REPO / "ingest").rglob("*.py"), REPO / "app.py"]
    modules = {}
    for path in files:
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Product modules that ``module`` imports anywhere in its file (lazy imports too)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1]])
                base = f"{base}.{node.module}" if node.module else base
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    return found - {module}


def import_graph() -> dict[str, set[str]]:
    modules = product_modules()
    return {m: imports(m, path, set(modules)) for m, path in modules.items()}


def test_every_import_goes_down_or_sideways_within_one_side():
    upward = []
    for module, targets in import_graph().items():
        rank, side = layer(module)
        for target in targets:
            their_rank, their_side = layer(target)
            crosses = rank == their_rank == 3 and side != their_side
            if their_rank > rank or crosses:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports against the layers:\n" + "\n".join(sorted(upward))


def test_no_import_cycles_lazy_imports_included():
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_layer_map_knows_the_modules_it_names():
    modules = set(product_modules())
    named = CORE | TEXT | INDEX_ADAPTERS | {"onrecord.cli", "app"}
    assert named <= modules, named - modules
