"""How a text would name a treatment: its name, its medicines, their brands, and the words in brackets."""

from __future__ import annotations

import re

from service.engine.models import Treatment


def mentions(t: Treatment) -> re.Pattern[str]:
    """A pattern that finds `t` named in a text ('Paracetamol (acetaminophen)' also as either word)."""
    words: set[str] = set()
    for name in [t.name.get_text(), *(d.name for d in t.drugs), *(b for d in t.drugs for b in d.brands)]:
        words.add(name)
        words.update(part.strip() for part in re.split(r"[()]", name) if part.strip())
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE)
