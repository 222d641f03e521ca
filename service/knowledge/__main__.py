"""Validate the knowledge files: `python -m service.knowledge [DIR]` prints a summary or the first defect."""

import sys

from service.knowledge import KnowledgeError, load_knowledge

try:
    kb = load_knowledge(sys.argv[1] if len(sys.argv) > 1 else None)
except KnowledgeError as exc:
    print(f"knowledge error: {exc}", file=sys.stderr)
    sys.exit(1)
print(
    f"ok: content {kb.content_version} ({kb.content_hash[:12]}): {len(kb.treatments)} treatments, "
    f"{len(kb.tips)} tips, {len(kb.red_flags)} red flags, {len(kb.factors)} factors, {len(kb.sources)} sources"
)
