"""CSV formula injection (OWASP): a text cell that a spreadsheet would read as a formula.

Excel, LibreOffice and Google Sheets evaluate a CSV cell that starts with `=`, `+`, `-` or `@`
(and, in some versions, a tab or carriage return before one of those). Such a cell is written with
a leading `'`, which the spreadsheet shows as text. Numbers are left alone: a negative number, as a
number or as plain numeric text ("-12.5", "-3.0%"), is not a formula and keeps its value.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def neutralise(value: Any) -> Any:
    """`value` as a CSV cell that no spreadsheet evaluates; non-text values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
