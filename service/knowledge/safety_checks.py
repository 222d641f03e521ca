"""Checks of the safety case (hazards.yaml): the risk matrix, and every hazard's controls and verifications."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from service.engine import hazards as h
from service.engine import models as m
from service.knowledge.checks import check_sources, fail

TEST_ID = re.compile(r"^(tests/[\w/]+\.py)::(test_\w+)(\[[^\]]+\])?$")
# A tests folder beside the package (a source checkout): hazard verifications must name tests that exist there.
TESTS_ROOT = Path(__file__).resolve().parents[2] / "tests"


def check_safety_case(kb: m.KnowledgeBase) -> None:
    """Every hazard has controls that resolve and verifications that name tests (which exist, in a checkout)."""
    matrix = kb.risk_matrix
    if matrix is None:
        fail("hazards.yaml", "risk_matrix", "-", "the risk matrix is required")
        return
    _matrix(kb, matrix)
    if not kb.hazards:
        fail("hazards.yaml", "hazards", "-", "the hazard log is empty")
    for hz in kb.hazards:
        if not hz.controls:
            fail("hazards.yaml", hz.id, "controls", "at least one control is required")
        if not hz.verification:
            fail("hazards.yaml", hz.id, "verification", "at least one verification is required")
        for i, control in enumerate(hz.controls):
            problem = _control_problem(kb, control, m.RULES)
            if problem:
                fail("hazards.yaml", hz.id, f"controls[{i}].ref", problem)
        for i, test in enumerate(hz.verification):
            problem = _test_problem(test)
            if problem:
                fail("hazards.yaml", hz.id, f"verification[{i}]", problem)
        if matrix.rating(hz.residual_likelihood, hz.residual_severity) > matrix.rating(hz.likelihood, hz.severity):
            fail("hazards.yaml", hz.id, "residual_likelihood", "the residual risk is above the initial risk")


def _matrix(kb: m.KnowledgeBase, matrix: h.RiskMatrix) -> None:
    rows = matrix.ratings
    if len(rows) != len(h.Likelihood) or any(len(r) != len(h.Severity) for r in rows):
        fail("hazards.yaml", "risk_matrix", "ratings", "one row per likelihood, one column per severity")
    levels = [level.rating for level in matrix.levels]
    if levels != sorted(levels) or set(levels) != {x for r in rows for x in r}:
        fail("hazards.yaml", "risk_matrix", "levels", "one level per rating used in the matrix, in order")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (c and value < row[c - 1]) or (r and value < rows[r - 1][c]):
                fail("hazards.yaml", "risk_matrix", f"ratings[{r}][{c}]", "ratings never fall as risk grows")
    check_sources(kb, "hazards.yaml", "risk_matrix", "sources", matrix.sources, required=True)


def _control_problem(kb: m.KnowledgeBase, control: h.Control, rules: tuple[str, ...]) -> str | None:
    ref = control.ref
    if control.kind is h.ControlKind.RULE:
        return None if ref in rules else f"unknown engine rule {ref!r}"
    if control.kind is h.ControlKind.CODE:
        found = resources.files("service").joinpath(*ref.removeprefix("service/").split("/"))
        return None if ref.startswith("service/") and found.is_file() else f"no module {ref!r} in the package"
    if control.kind is h.ControlKind.TEST:
        if not re.match(r"^tests/[\w/]+\.py$", ref):
            return "expected a test module like tests/knowledge/test_content.py"
        return None if not TESTS_ROOT.is_dir() or (TESTS_ROOT.parent / ref).is_file() else f"no test module {ref!r}"
    file, _, rid = ref.partition("#")
    records = _records_of(kb, file)
    if records is None:
        return f"unknown knowledge file {file!r}"
    return None if not rid or rid in records else f"no record {rid!r} in {file}"


def _records_of(kb: m.KnowledgeBase, file: str) -> set[str] | None:
    if file.startswith("treatments/") and file.endswith(".yaml"):
        return set() if file[len("treatments/") : -5] in kb.index["treatments"] else None
    by_file: dict[str, Iterable[Any]] = {
        "red_flags.yaml": kb.red_flags, "factors.yaml": kb.factors, "tips.yaml": kb.tips,
        "drug_classes.yaml": kb.drug_classes, "group_rules.yaml": kb.group_rules,
        "medicine_combinations.yaml": kb.combinations, "disclaimers.yaml": kb.disclaimers,
        "sources.yaml": kb.sources, "questionnaire.yaml": kb.questions,
    }  # fmt: skip
    if file == "triage.yaml":
        return {a.level.value for a in kb.triage_actions}
    if file == "messages.yaml":
        return {msg.id.value for msg in kb.messages}
    if file in by_file:
        return {r.id for r in by_file[file]}
    return set() if file in ("condition.yaml", "evidence_scale.yaml", "meta.yaml", "hazards.yaml") else None


def _test_problem(test: str) -> str | None:
    """A pytest node id; in a source checkout its file must exist and define the test function."""
    match = TEST_ID.match(test)
    if not match:
        return "expected a pytest node id like tests/engine/test_properties.py::test_name"
    path, name = TESTS_ROOT.parent / match.group(1), match.group(2)
    if not TESTS_ROOT.is_dir():
        return None  # an installed package has no tests beside it; the test suite checks them (tests/safety_case.py)
    if not path.is_file():
        return f"no test file {match.group(1)}"
    if not re.search(rf"^(async )?def {name}\(", path.read_text(), re.MULTILINE):
        return f"no test {name} in {match.group(1)}"
    return None
