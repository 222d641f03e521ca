"""Release history: the current content is recorded, the diff between manifests names each change, and the
`release` command records a new version the loader reads back."""

import dataclasses
import shutil
import subprocess
import sys
from datetime import date

import pytest
import yaml

from service.engine.models import Certainty, ManifestEntry, Release, RuleLevel
from service.knowledge import load_knowledge
from service.knowledge.loader import default_root
from service.knowledge.releases import RECORD_COMMAND, Changes, changes, drift, history, manifest, record


def test_the_current_content_is_the_newest_recorded_release(kb):
    assert drift(kb) is None, drift(kb)


def E(item, content="c0", safety=None, grade=None):  # noqa: N802 - reads as a table row
    return ManifestEntry(item, content, safety, grade)


BASE = (E("tips/a", "c1", "s1", "low/for/conditional"), E("factors/b", "c2", "s2"), E("sources/S1", "c3"))


@pytest.mark.parametrize(
    "new, expected, refresh",
    [
        (BASE, Changes(), False),
        ((*BASE, E("tips/new", "c9")), Changes(added=("tips/new",)), False),
        (BASE[1:], Changes(removed=("tips/a",)), True),
        (
            (E("tips/a", "c1x", "s1", "moderate/for/conditional"), *BASE[1:]),
            Changes(grade_changed=(("tips/a", "low/for/conditional", "moderate/for/conditional"),)),
            True,
        ),
        ((BASE[0], E("factors/b", "c2x", "s2x"), BASE[2]), Changes(safety_changed=("factors/b",)), True),
        ((*BASE[:2], E("sources/S1", "c3x")), Changes(updated=("sources/S1",)), False),
        (
            (E("tips/a", "c1x", "s1x", "low/for/strong"), BASE[1], E("sources/S1", "c3x")),
            Changes(
                grade_changed=(("tips/a", "low/for/conditional", "low/for/strong"),),
                safety_changed=("tips/a",),
                updated=("sources/S1",),
            ),
            True,
        ),
    ],
    ids=["same", "added", "removed", "grade", "safety-rule", "wording", "several"],
)
def test_changes_between_manifests(new, expected, refresh):
    found = changes(BASE, new)
    assert found == expected and found.must_refresh is refresh


def _edit(kb, kind, index, **fields):
    items = list(getattr(kb, kind))
    items[index] = dataclasses.replace(items[index], **fields)
    return dataclasses.replace(kb, **{kind: tuple(items)})


def _first_with_rules(kb):
    return next(i for i, t in enumerate(kb.treatments) if t.rules)


def regrade(kb):
    return _edit(kb, "treatments", 0, evidence=dataclasses.replace(kb.treatments[0].evidence, certainty=Certainty.HIGH))


def drop_tip(kb):
    return dataclasses.replace(kb, tips=kb.tips[1:])


def tighten_rule(kb):
    rules = kb.treatments[_first_with_rules(kb)].rules
    return _edit(
        kb,
        "treatments",
        _first_with_rules(kb),
        rules=(dataclasses.replace(rules[0], level=RuleLevel.CLINICIAN_ONLY), *rules[1:]),
    )


def escalate_red_flag(kb):
    return _edit(kb, "red_flags", 0, escalates_with=("x",))


def retitle_source(kb):
    return _edit(kb, "sources", 0, title="Another title")


def redraw_picture(kb):
    first = next(iter(kb.illustrations))
    redrawn = dataclasses.replace(kb.illustrations[first], svg=kb.illustrations[first].svg.replace("</svg>", " </svg>"))
    return dataclasses.replace(kb, illustrations={**kb.illustrations, first: redrawn})


@pytest.mark.parametrize(
    "edit, key, item",
    [
        (regrade, "grade_changed", lambda kb: f"treatments/{kb.treatments[0].id}"),
        (drop_tip, "removed", lambda kb: f"tips/{kb.tips[0].id}"),
        (tighten_rule, "safety_changed", lambda kb: f"treatments/{kb.treatments[_first_with_rules(kb)].id}"),
        (escalate_red_flag, "safety_changed", lambda kb: f"red_flags/{kb.red_flags[0].id}"),
        (retitle_source, "updated", lambda kb: f"sources/{kb.sources[0].id}"),
        (redraw_picture, "updated", lambda kb: f"illustrations/{next(iter(kb.illustrations))}"),  # one of a mapping
    ],
    ids=["grade", "removed", "contraindication", "red-flag-rule", "wording", "picture"],
)
def test_a_changed_knowledge_base_yields_its_change(kb, edit, key, item):
    found = dataclasses.asdict(changes(manifest(kb), manifest(edit(kb))))
    listed = [g[0] for g in found[key]] if key == "grade_changed" else list(found[key])
    assert listed == [item(kb)]
    assert all(not v for k, v in found.items() if k != key)


def test_the_feed_history_compares_consecutive_releases():
    first = Release("1.0.0", date(2026, 1, 1), BASE, "first")
    second = Release("1.1.0", date(2026, 2, 1), (*BASE, E("tips/new")))
    third = Release("2.0.0", date(2026, 3, 1), BASE[1:] + (E("tips/new"),))
    newest, middle, oldest = history([first, second, third])
    assert (oldest.previous, oldest.changes, oldest.must_refresh) == (None, Changes(), True)
    assert (middle.previous, middle.changes.added, middle.must_refresh) == ("1.0.0", ("tips/new",), False)
    assert (newest.previous, newest.changes.removed, newest.must_refresh) == ("1.1.0", ("tips/a",), True)


@pytest.fixture()
def data_copy(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(str(default_root()), root)
    return root


def _bump(root, version):
    meta = root / "meta.yaml"
    meta.write_text(meta.read_text().replace("content_version: ", f"content_version: {version}\n# was: "))


def test_drift_says_how_to_record_a_release(data_copy):
    _bump(data_copy, "9.0.0")
    message = drift(load_knowledge(data_copy))
    assert message and RECORD_COMMAND in message and "meta.yaml" in message


def test_recording_a_release_adds_it_to_the_history(data_copy):
    tip = data_copy / "tips.yaml"
    doc = yaml.safe_load(tip.read_text())
    removed = doc["tips"].pop()["id"]
    tip.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    spanish = data_copy / "translations/es/tips.yaml"  # a removed item's translation goes with it
    translated = yaml.safe_load(spanish.read_text())
    translated["records"] = [r for r in translated["records"] if r["id"] != removed]
    spanish.write_text(yaml.safe_dump(translated, sort_keys=False, allow_unicode=True))
    _bump(data_copy, "9.0.0")
    said = record(load_knowledge(data_copy), data_copy, date(2027, 5, 1), "Dropped a tip")
    assert said.startswith("recorded 9.0.0") and "removed 1" in said
    kb = load_knowledge(data_copy)
    assert drift(kb) is None
    newest = history(kb.releases)[0]
    assert (newest.release.version, newest.release.date, newest.release.note) == (
        "9.0.0",
        date(2027, 5, 1),
        "Dropped a tip",
    )
    assert newest.changes.removed == (f"tips/{removed}",) and newest.must_refresh


def test_the_command_re_records_the_current_version_keeping_its_date(data_copy):
    kb = load_knowledge(data_copy)
    out = subprocess.run(
        [sys.executable, "-m", "service.knowledge", "release", str(data_copy)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith(f"re-recorded {kb.content_version}")
    assert load_knowledge(data_copy).releases == kb.releases
