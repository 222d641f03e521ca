"""Engine cost per call, in-process, on the shipped knowledge and on a synthetic knowledge base N times larger.

Run alone with `python -m tests.bench.engine [--quick]`; `make bench` runs it too. Timings are noisy, so nothing
here is ever asserted in tests.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from service.api.examples import REQUEST_EXAMPLES
from service.engine import Engine
from service.engine.models import KnowledgeBase, Report
from service.knowledge import load_knowledge
from service.knowledge.loader import default_root
from service.schemas.report import RecommendationRequestSchema

TYPICAL = "acute-uncomplicated"  # the example the P5 target (recommend() <= 200 us) is read on
ID_LINE = re.compile(r"^id:\s*(\S+)\s*$", re.MULTILINE)
EXERCISES = re.compile(r"^exercises:", re.MULTILINE)
TRANSLATION_ID = re.compile(r"^- id:\s*(\S+)\s*$", re.MULTILINE)  # a translation file's record


def reports() -> dict[str, Report]:
    """Every request example of the OpenAPI document, parsed the way the API parses it."""
    schema = RecommendationRequestSchema()
    return {name: schema.load(example["value"]) for name, example in REQUEST_EXAMPLES.items()}


def per_call_us(report: Report, engine: Engine, rounds: int = 7, calls: int = 300, budget_s: float = 0.06) -> float:
    """Median over rounds of the mean CPU time per call, in microseconds (at most `calls`, about `budget_s` a round).

    CPU time of this process (time.process_time), so other load on the box inflates it less than wall time.
    """
    start = time.process_time()
    engine.recommend(report)  # warm up, and size the rounds so a large knowledge base stays within the budget
    first = time.process_time() - start
    calls = max(10, min(calls, int(budget_s / max(first, 1e-6))))
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            engine.recommend(report)
        samples.append((time.process_time() - start) / calls * 1e6)
    return statistics.median(samples)


def synthetic_knowledge(target: Path, factor: int) -> Path:
    """A copy of the shipped data with every treatment file cloned `factor - 1` more times (ids `<id>-copy-N`), and
    its translation in every language with it (translations/<lang>/treatments/). Treatments with exercise pictures
    stay single: an exercise id is unique across the knowledge, and each has its picture."""
    source = Path(str(default_root()))
    shutil.copytree(source, target, dirs_exist_ok=True)
    pictured = {p.name for p in (target / "treatments").glob("*.yaml") if EXERCISES.search(p.read_text())}
    folders = [target / "treatments", *sorted((target / "translations").glob("*/treatments"))]
    for folder, pattern in zip(folders, [ID_LINE] + [TRANSLATION_ID] * len(folders), strict=False):
        for path in sorted(p for p in folder.glob("*.yaml") if p.name not in pictured):
            text = path.read_text()
            found = pattern.search(text)
            if not found:
                raise SystemExit(f"{path}: no record `id:` line to clone")
            for n in range(1, factor):
                clone_id = f"{found.group(1)}-copy-{n}"
                clone = pattern.sub(found.group(0).replace(found.group(1), clone_id), text, count=1)
                (folder / f"{clone_id}.yaml").write_text(clone)
    return target


def timed_load(root: Path | None) -> tuple[KnowledgeBase, float]:
    start = time.process_time()
    kb = load_knowledge(root)
    return kb, (time.process_time() - start) * 1000


def timed_engine(kb: KnowledgeBase) -> tuple[Engine, float]:
    """The engine over `kb`, and how long preparing it took (every language), in milliseconds."""
    start = time.process_time()
    engine = Engine(kb)
    return engine, (time.process_time() - start) * 1000


def run(quick: bool = False, factor: int = 10) -> dict[str, Any]:
    """Time Engine.recommend() for every example on the shipped and the synthetic knowledge; print and return them."""
    rounds, calls = (3, 100) if quick else (7, 300)
    cases = reports()
    result: dict[str, Any] = {"typical_case": TYPICAL, "rounds": rounds, "calls_per_round": calls, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="bench-kb-") as tmp:
        kbs: list[tuple[str, Path | None]] = [("shipped", None)]
        if factor > 1:
            kbs.append((f"synthetic x{factor}", synthetic_knowledge(Path(tmp) / "data", factor)))
        for label, root in kbs:
            kb, load_ms = timed_load(root)
            engine, engine_ms = timed_engine(kb)
            size: dict[str, Any] = {"knowledge": label, "treatments": len(kb.treatments), "load_ms": round(load_ms, 1)}
            size["engine_ms"] = round(engine_ms, 1)
            size["recommend_us"] = {}
            for name, report in cases.items():
                if engine.check(report):
                    continue  # not a valid report for this knowledge (cannot happen with the shipped examples)
                size["recommend_us"][name] = round(per_call_us(report, engine, rounds, calls), 1)
            result["sizes"].append(size)
    return result


def print_table(result: dict[str, Any]) -> None:
    sizes = result["sizes"]
    names = list(sizes[0]["recommend_us"])
    head = f"{'recommend() us/call':<24}" + "".join(f"{s['knowledge']:>16}" for s in sizes)
    if len(sizes) > 1:
        head += f"{'growth':>9}"
    print(head)
    print(f"{'  treatments':<24}" + "".join(f"{s['treatments']:>16}" for s in sizes))
    print(f"{'  load_knowledge ms':<24}" + "".join(f"{s['load_ms']:>16.0f}" for s in sizes))
    print(f"{'  Engine(kb) ms':<24}" + "".join(f"{s['engine_ms']:>16.1f}" for s in sizes))
    for name in names:
        values = [s["recommend_us"].get(name) for s in sizes]
        line = f"  {name:<22}" + "".join(f"{v:>16.0f}" if v is not None else f"{'-':>16}" for v in values)
        if len(values) > 1 and values[0] and values[-1]:
            line += f"{values[-1] / values[0]:>8.1f}x"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    parser.add_argument("--factor", type=int, default=10, help="size of the synthetic knowledge base (x shipped)")
    args = parser.parse_args()
    print_table(run(args.quick, args.factor))


if __name__ == "__main__":
    main()
