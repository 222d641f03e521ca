"""No import cycle inside service/engine, counting the imports made only for type checking (if TYPE_CHECKING:)."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).parents[2] / "service" / "engine"
PACKAGE = "service.engine"


def graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """module -> the modules of the package it imports, from each module's source (`__init__` is the package)."""
    out: dict[str, set[str]] = {}
    for module, source in sources.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                deps.update(_module(a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = PACKAGE + (f".{node.module}" if node.module else "") if node.level == 1 else node.module or ""
                if base == PACKAGE:  # from the package itself: submodules by name, anything else from __init__
                    deps.update(a.name if a.name in sources else "__init__" for a in node.names)
                else:
                    deps.add(_module(base))
        out[module] = {d for d in deps if d in sources and d != module}
    return out


def _module(name: str) -> str:
    """The package's module an absolute import names ('' when it is outside the package)."""
    if name == PACKAGE:
        return "__init__"
    return name.removeprefix(PACKAGE + ".").split(".")[0] if name.startswith(PACKAGE + ".") else ""


def cycle(deps: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path (first module repeated at the end), or [] when there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        path.append(module)
        for dep in sorted(deps[module]):
            found = visit(dep)
            if found:
                return found
        path.pop()
        done.add(module)
        return []

    for module in sorted(deps):
        found = visit(module)
        if found:
            return found
    return []


def test_no_import_cycle_inside_the_engine():
    sources = {p.stem: p.read_text() for p in sorted(ENGINE.glob("*.py"))}
    deps = graph(sources)
    assert len(deps) == len(sources) > 10
    assert cycle(deps) == [], " -> ".join(cycle(deps))


def test_a_cycle_through_a_type_checking_import_is_found():
    sources = {
        "__init__": "from service.engine.b import f\n",
        "a": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from service.engine.b import B\n",
        "b": "from service.engine.c import C\n",
        "c": "from . import a\nfrom service.engine import models as m\n",
        "models": "import dataclasses\n",
    }
    assert cycle(graph(sources)) == ["b", "c", "a", "b"]  # found from __init__, which imports b
    assert cycle(graph(sources | {"a": "import service.engine.models\n"})) == []
    assert cycle(graph(sources | {"a": "from service.engine import f\n"})) == ["__init__", "b", "c", "a", "__init__"]
