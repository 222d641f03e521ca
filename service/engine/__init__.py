"""The recommendation engine: pure Python over the loaded knowledge (standard library only).

Build one Engine per knowledge base (it prepares every language up front) and ask it: engine.check(report), then
engine.recommend(report, lang).
"""

from service.engine.engine import Engine
from service.engine.factors import check_report

__all__ = ["Engine", "check_report"]
