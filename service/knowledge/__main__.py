"""Validate the knowledge files and print the content report: `python -m service.knowledge [DIR]`."""

import sys
from datetime import date

from service.knowledge import KnowledgeError, load_knowledge
from service.knowledge.report import content_report

try:
    kb = load_knowledge(sys.argv[1] if len(sys.argv) > 1 else None)
except KnowledgeError as exc:
    print(f"knowledge error: {exc}", file=sys.stderr)
    sys.exit(1)
print("ok:", "\n".join(content_report(kb, date.today())))
