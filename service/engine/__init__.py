"""The recommendation engine: pure Python over the loaded knowledge (standard library only)."""

from service.engine.factors import check_report
from service.engine.recommend import recommend

__all__ = ["check_report", "recommend"]
