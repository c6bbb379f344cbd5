"""Two texts side by side: which lines stayed, went, came or changed, and within a changed line which words.

The result is plain data (rows of segments); the template writes it with escaping, so nothing in a
document's text can become markup. Deleted words are shown struck through in <del>, inserted ones
underlined in <ins>, and each changed row is marked with a sign and a word, not by colour alone.
"""
import difflib
import re
from dataclasses import dataclass, field

EQUAL, DELETE, INSERT, REPLACE = "equal", "delete", "insert", "replace"
WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Row:
    kind: str  # EQUAL, DELETE (left only), INSERT (right only) or REPLACE (both, with word changes)
    left_number: int | None = None
    right_number: int | None = None
    left: list = field(default_factory=list)  # [(EQUAL or DELETE, text)]
    right: list = field(default_factory=list)  # [(EQUAL or INSERT, text)]


def _words(left, right):
    """The segments of two changed lines: (left segments, right segments)."""
    a, b = WORDS.findall(left), WORDS.findall(right)
    left_parts, right_parts = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left_parts.append((EQUAL, "".join(a[i1:i2])))
            right_parts.append((EQUAL, "".join(b[j1:j2])))
        else:
            if i2 > i1:
                left_parts.append((DELETE, "".join(a[i1:i2])))
            if j2 > j1:
                right_parts.append((INSERT, "".join(b[j1:j2])))
    return left_parts, right_parts


def side_by_side(old, new):
    """Rows comparing the text `old` (left) with `new` (right), line by line and, in changed lines, word by word."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [Row(EQUAL, i + 1, j + 1, [(EQUAL, a[i])], [(EQUAL, b[j])]) for i, j in zip(range(i1, i2),
                                                                                        range(j1, j2), strict=True)]
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for offset in range(pairs):
            left, right = _words(a[i1 + offset], b[j1 + offset])
            rows.append(Row(REPLACE, i1 + offset + 1, j1 + offset + 1, left, right))
        rows += [Row(DELETE, i + 1, None, [(DELETE, a[i])], []) for i in range(i1 + pairs, i2)]
        rows += [Row(INSERT, None, j + 1, [], [(INSERT, b[j])]) for j in range(j1 + pairs, j2)]
    return rows


def changed(rows):
    """Whether any row differs."""
    return any(row.kind != EQUAL for row in rows)
