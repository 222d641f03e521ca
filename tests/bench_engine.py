"""Engine cost per call, in-process (run by `make bench`; timings are noisy, so never asserted in tests)."""

import statistics
import time

from service.engine import recommend
from service.engine.models import Outcome, Report, Tried
from service.knowledge import load_knowledge

CASES = {
    "empty": Report(),
    "acute": Report(age=38, symptom_duration_days=10, pain_severity=5, red_flags_screened=True),
    "complex": Report(
        age=71, symptom_duration_days=120, pain_severity=7, red_flags_screened=True, conditions=("kidney-disease", "diabetes"),
        medications=("anticoagulant",), tried=(Tried("physical-therapy", Outcome.NO_CHANGE, 8),), avoid=("needles",),
        jurisdiction="US-TX",
    ),
    "emergency": Report(red_flags=("saddle-numbness",), red_flags_screened=True),
}


def per_call_us(report: Report, kb, rounds: int = 7, calls: int = 300) -> float:
    """Median over rounds of the mean time per call, in microseconds."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            recommend(report, kb)
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def main() -> None:
    start = time.perf_counter()
    kb = load_knowledge()
    print(f"load_knowledge: {(time.perf_counter() - start) * 1000:.0f} ms ({len(kb.treatments)} treatments)")
    for name, report in CASES.items():
        print(f"recommend[{name}]: {per_call_us(report, kb):.0f} us per call")


if __name__ == "__main__":
    main()
