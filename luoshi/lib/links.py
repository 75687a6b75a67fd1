"""Links to one object's page by id, for the tens of thousands a periodic step writes at once.

`reverse()` resolves the URL pattern on every call (about 35 µs here): the daily tick's warning
levels name a link for each of about a million slips, and its reminders one for each task. `by_id`
reverses once, with a marker id, and fills each id into the text around the marker, so it gives what
`reverse(viewname, args=[pk])` gives in the script prefix and language active when it was made.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_MARKER = 918273645  # an id no pattern's literal text contains


def by_id(viewname: str) -> Callable[[int], str]:
    """A function of an integer id giving `reverse(viewname, args=[id])` (the pattern takes one
    `<int:…>` argument); made once per batch, not kept across requests or languages."""
    head, marker, tail = reverse(viewname, args=[_MARKER]).partition(str(_MARKER))
    if not marker or str(_MARKER) in tail:
        raise ValueError(f"{viewname}: the id is not one part of the path")

    def link(pk: int) -> str:
        return f"{head}{int(pk)}{tail}"

    return link
