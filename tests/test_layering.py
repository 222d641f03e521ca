"""Dependencies point one way: the engine uses the standard library only; knowledge has no Flask."""

import ast
import sys
from pathlib import Path

import pytest

SERVICE = Path(__file__).parents[1] / "service"
STDLIB = set(sys.stdlib_module_names)


def imports(package: str):
    for path in sorted((SERVICE / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                yield from ((path, a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


@pytest.mark.parametrize("path, module", list(imports("engine")), ids=str)
def test_engine_imports_only_stdlib_and_itself(path, module):
    root = module.split(".")[0]
    assert root in STDLIB or module.startswith("service.engine"), f"{path.name} imports {module}"


@pytest.mark.parametrize("package", ["engine", "knowledge"])
def test_no_flask_below_the_api(package):
    bad = [
        (p.name, m)
        for p, m in imports(package)
        if m.split(".")[0] in {"flask", "flask_smorest", "werkzeug", "service"}
        and not m.startswith(("service.engine", "service.knowledge"))
    ]
    assert bad == []


def test_knowledge_depends_only_on_engine_models():
    modules = {m for _, m in imports("knowledge") if m.startswith("service.engine")}
    assert modules <= {"service.engine", "service.engine.models"}
