"""Runs of 8 words as short hashes, so the tests can spot copied prose without shipping the article's text.

`python -m tests.knowledge.shingles ARTICLE` rewrites article-shingles.txt from the source article.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

RUN = 8
FILE = Path(__file__).parent / "article-shingles.txt"
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "source-article.md"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))


def shingles(text: str) -> dict[str, str]:
    """Hash -> the run of words it stands for."""
    w = words(text)
    runs = (" ".join(w[i : i + RUN]) for i in range(len(w) - RUN + 1))
    return {hashlib.sha256(r.encode()).hexdigest()[:16]: r for r in runs}


def article() -> frozenset[str]:
    return frozenset(FILE.read_text().split())


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ARTICLE
    FILE.write_text("\n".join(sorted(shingles(source.read_text()))) + "\n")
    print(f"{FILE}: {len(article())} runs of {RUN} words")
