"""Title search and title sorting: turning what a user types into safe FTS5 queries.

User text never reaches FTS5's query syntax: it is cut into words the way FTS5's unicode61
tokenizer cuts them, and each word is quoted and matched as a prefix. ``"``, ``*``, ``AND``,
``NEAR``, ``-`` and the like are therefore plain text.
"""

from __future__ import annotations

import re
import unicodedata

# unicode61 treats letters and digits as word characters and everything else (including "_")
# as a separator.
_WORD = re.compile(r"[^\W_]+")

_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def fts_match_expression(text: str) -> str | None:
    """An FTS5 MATCH expression that finds titles containing every word of `text` as a prefix.

    Returns None when `text` has no words (only spaces or punctuation): there is nothing to
    filter on.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def sort_key(title: str, sort_title: str | None = None) -> str:
    """The key titles are ordered by: case and accents folded, a leading "The"/"A"/"An" dropped.

    An explicit `sort_title` (from a server or an NFO file) wins over the title; it is folded
    the same way but keeps its words.
    """
    base = sort_title if sort_title else _LEADING_ARTICLE.sub("", title.strip())
    if base.isascii():
        return base.lower().strip()
    decomposed = unicodedata.normalize("NFKD", base)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return without_marks.casefold().strip()
