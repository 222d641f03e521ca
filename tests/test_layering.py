"""Dependencies point one way: api -> web, schemas, ehr, engine, knowledge; web -> schemas, engine models; ehr and
knowledge -> engine models; engine -> stdlib. Modules stay small."""

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


# package -> the service packages its modules may import (besides itself); service.config and service.openapi are
# top-level settings every layer may read
MAY_IMPORT = {
    "web": {"service.schemas", "service.engine.models"},
    "schemas": {"service.engine", "service.knowledge"},
    "api": {"service.web", "service.schemas", "service.ehr", "service.engine", "service.knowledge"},
}
TOP = {"service.config", "service.openapi"}


@pytest.mark.parametrize("package", MAY_IMPORT)
def test_each_layer_imports_only_the_layers_below(package):
    allowed = MAY_IMPORT[package] | TOP | {f"service.{package}"}
    bad = [
        (str(p.relative_to(SERVICE)), m)
        for p, m in imports(package)
        if m.startswith("service.") and not any(m == a or m.startswith(a + ".") for a in allowed)
    ]
    assert bad == [], "web machinery never reaches into the resources; the factory wires them"


DATA_MODULES = {"engine/models.py"}  # flat definitions of the knowledge's types


def test_no_module_over_250_lines():
    long = {
        str(p.relative_to(SERVICE)): n
        for p in SERVICE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 250 and str(p.relative_to(SERVICE)) not in DATA_MODULES
    }
    assert long == {}
