"""Validate the knowledge files and print the content report: `python -m service.knowledge [DIR]`; record the
current content as a release: `python -m service.knowledge release [--note TEXT] [DIR]`; show (and with --write,
write) the translators' kit for a language: `python -m service.knowledge kit LANG [--write] [DIR]`."""

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from service.knowledge import KnowledgeError, load_knowledge
from service.knowledge.kit import dump, kit
from service.knowledge.loader import default_root
from service.knowledge.releases import drift, record
from service.knowledge.report import content_report
from service.knowledge.translations import FOLDER

args = sys.argv[1:]
command = args[0] if args and args[0] in ("release", "kit") else None
parser = argparse.ArgumentParser(prog=f"python -m service.knowledge{f' {command}' if command else ''}")
if command == "kit":
    parser.add_argument("lang", help="the language to translate into, as es")
    parser.add_argument("--write", action="store_true", help="write translations/LANG/ (current translations kept)")
parser.add_argument("dir", nargs="?", help="the data folder (default: the one shipped in the package)")
if command == "release":
    parser.add_argument("--note", help="what this release is about, for the release feed")
opts = parser.parse_args(args[1:] if command else args)
base = Path(opts.dir or str(default_root()))
if command == "kit":
    files = kit(base, opts.lang)
    for f in files:
        print(f"{f.name}: {f.texts} texts, {f.missing} to translate")
        if opts.write:
            target = base / FOLDER / opts.lang / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump(f, opts.lang), encoding="utf-8")
    print(f"total: {sum(f.texts for f in files)} texts, {sum(f.missing for f in files)} to translate")
    sys.exit(0)
try:
    kb = load_knowledge(opts.dir)
except KnowledgeError as exc:
    print(f"knowledge error: {exc}", file=sys.stderr)
    sys.exit(1)
if command == "release":
    print(record(kb, base, datetime.now(UTC).date(), opts.note))
    sys.exit(0)
print("ok:", "\n".join(content_report(kb, datetime.now(UTC).date())))
print("release:", drift(kb) or f"{kb.content_version} is recorded")
