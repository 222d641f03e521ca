"""The loader: the shipped data loads; each kind of defect is rejected naming file, record and field.

Each file in defects/ describes one defect applied to a copy of the shipped data: `file`, then `set`
(dotted path -> value), `delete` (dotted path), `raw` (whole new file text) or `remove: true` (the file or folder), and `expect` [file, record, field].
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from service.knowledge import KnowledgeError, load_knowledge

DEFECTS = sorted((Path(__file__).parent / "defects").glob("*.yaml"))


def _walk(doc, path):
    """The container holding the last step of `path` (dots and [i] indexes) and that step."""
    steps = [int(s) if s.isdigit() else s for s in re.findall(r"[^.\[\]]+", path)]
    for step in steps[:-1]:
        doc = doc[step]
    return doc, steps[-1]


def apply(defect, root: Path) -> None:
    target = root / defect["file"]
    if defect.get("remove"):
        shutil.rmtree(target) if target.is_dir() else target.unlink()
        return
    if "raw" in defect:
        target.write_text(defect["raw"])
        return
    doc = yaml.safe_load(target.read_text())
    if "set" in defect:
        for path, value in defect["set"].items():
            parent, key = _walk(doc, path)
            parent[key] = value
    if "delete" in defect:
        parent, key = _walk(doc, defect["delete"])
        del parent[key]
    target.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


def test_shipped_data_loads():
    kb = load_knowledge()
    assert kb.treatments and kb.tips and kb.red_flags and kb.factors and kb.sources
    assert re.match(r"^\d+\.\d+\.\d+$", kb.content_version)
    assert len(kb.content_hash) == 64


def test_copy_loads_with_same_hash(data_copy):
    assert load_knowledge(data_copy).content_hash == load_knowledge().content_hash


def test_knowledge_is_immutable(kb):
    with pytest.raises(AttributeError):
        kb.treatments[0].name = "x"
    with pytest.raises(TypeError):
        kb.index["treatments"]["x"] = None


def test_there_is_a_defect_case_per_kind():
    assert len(DEFECTS) >= 12


@pytest.mark.parametrize("path", DEFECTS, ids=[p.stem for p in DEFECTS])
def test_defect_is_rejected_naming_file_record_field(path, data_copy):
    defect = yaml.safe_load(path.read_text())
    apply(defect, data_copy)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_copy)
    file, record, field = defect["expect"]
    err = caught.value
    assert (err.file, err.record, err.field) == (file, record, field), str(err)
    assert file in str(err) and field in str(err)


def test_the_content_report_says_what_a_reviewer_needs():
    out = subprocess.run([sys.executable, "-m", "service.knowledge"], capture_output=True, text=True, check=True).stdout
    headings = ("counts:", "readability (Flesch-Kincaid grade, English):", "safety rules:", "sources:", "reviews:")
    for heading in (*headings, "translations (es):"):
        assert heading in out
    assert "clinical convention (unverified)" in out and "over their limit 0" in out
