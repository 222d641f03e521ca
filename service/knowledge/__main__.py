"""Validate the knowledge files and print the content report: `python -m service.knowledge [DIR]`; record the
current content as a release: `python -m service.knowledge release [--note TEXT] [DIR]`."""

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from service.knowledge import KnowledgeError, load_knowledge
from service.knowledge.loader import default_root
from service.knowledge.releases import drift, record
from service.knowledge.report import content_report

args = sys.argv[1:]
releasing = bool(args) and args[0] == "release"
parser = argparse.ArgumentParser(prog=f"python -m service.knowledge{' release' if releasing else ''}")
parser.add_argument("dir", nargs="?", help="the data folder (default: the one shipped in the package)")
if releasing:
    parser.add_argument("--note", help="what this release is about, for the release feed")
opts = parser.parse_args(args[1:] if releasing else args)
try:
    kb = load_knowledge(opts.dir)
except KnowledgeError as exc:
    print(f"knowledge error: {exc}", file=sys.stderr)
    sys.exit(1)
if releasing:
    print(record(kb, Path(opts.dir or str(default_root())), datetime.now(UTC).date(), opts.note))
    sys.exit(0)
print("ok:", "\n".join(content_report(kb, datetime.now(UTC).date())))
print("release:", drift(kb) or f"{kb.content_version} is recorded")
