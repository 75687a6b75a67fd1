"""`lib.links.by_id` gives what `reverse` gives, for each id, pattern and language."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from luoshi.lib.links import by_id


@pytest.mark.parametrize(
    ("viewname", "ids"),
    [
        ("task_detail", [1, 7, 918273645, 10**12]),
        ("meetings:meeting", [3, 42]),
        ("supervision:item", [5, 123456]),
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_by_id_gives_what_reverse_gives(viewname: str, ids: list[int], language: str) -> None:
    with translation.override(language):
        link = by_id(viewname)
        assert [link(pk) for pk in ids] == [reverse(viewname, args=[pk]) for pk in ids]


def test_by_id_refuses_a_pattern_without_an_id() -> None:
    with pytest.raises(NoReverseMatch):
        by_id("projects:board")
