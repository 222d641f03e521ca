"""Pytest plugin: every hazard's verifications are collected tests, and a run that includes them shows them passing.

The loader already refuses a hazard whose verification names no test function in tests/; here a parametrised id
must also match a collected case, and at the end of the run each hazard is reported as verified or not.
"""

from __future__ import annotations

import pytest

from service.knowledge import load_knowledge

HAZARDS = load_knowledge().hazards
_outcomes: dict[str, str] = {}


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    ids = {item.nodeid for item in items}
    functions = {item.nodeid.split("[")[0] for item in items}
    # The loader checks that each named test function exists; here, a parameter id must name a collected case of a
    # collected function (a run of a subset collects only part of a module, so only the named function counts).
    missing = [
        f"{h.id}: {test}"
        for h in HAZARDS
        for test in h.verification
        if "[" in test and test.split("[")[0] in functions and test not in ids
    ]
    if missing:
        raise pytest.UsageError("hazard verifications that name no test: " + "; ".join(missing))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed or report.when == "call":
        _outcomes[report.nodeid] = "failed" if report.failed else _outcomes.get(report.nodeid, report.outcome)


def verified(test: str) -> str | None:
    """'passed', 'failed', or None when no test of that id ran in this session."""
    ran = {k: v for k, v in _outcomes.items() if k == test or k.split("[")[0] == test}
    if not ran:
        return None
    return "failed" if "failed" in ran.values() else "passed"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    results = {h.id: [verified(t) for t in h.verification] for h in HAZARDS}
    ran = {hid: r for hid, r in results.items() if any(r)}
    if not ran:
        return
    failed = sorted(hid for hid, r in ran.items() if "failed" in r)
    whole = [hid for hid, r in ran.items() if all(r) and "failed" not in r]
    terminalreporter.write_line(
        f"safety case: {len(whole)} of {len(HAZARDS)} hazards verified by passing tests"
        + (f"; NOT verified: {', '.join(failed)}" if failed else "")
    )
