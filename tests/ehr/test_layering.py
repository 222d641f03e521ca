"""service/ehr is pure: the standard library and the engine's models only (no Flask, marshmallow, YAML or JWT)."""

import ast
import sys
from pathlib import Path

import pytest

EHR = Path(__file__).parents[2] / "service" / "ehr"


def imports():
    for path in sorted(EHR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                yield from ((path.name, a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path.name, node.module


@pytest.mark.parametrize("path, module", list(imports()), ids=str)
def test_ehr_imports_only_stdlib_engine_and_itself(path, module):
    root = module.split(".")[0]
    assert root in sys.stdlib_module_names or module.startswith(("service.engine", "service.ehr")), (
        f"{path} imports {module}"
    )


def test_modules_stay_small():
    for path in EHR.rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 200, path.name
