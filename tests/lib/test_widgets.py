"""`lib.widgets`: the one-pass selects give the same elements as Django's own."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms

from luoshi.lib.widgets import FastSelect, FastSelectMultiple
from luoshi.org.forms import UnitChoice, UnitsChoice
from luoshi.org.models import Unit


class _Elements(HTMLParser):
    """The start tags with their attributes (in any order) and the text, as a comparable list."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Any] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append((tag, sorted(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.items.append(("/" + tag,))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.items.append(("text", data.strip()))


def elements(html: str) -> list[Any]:
    parser = _Elements()
    parser.feed(html)
    return parser.items


CHOICES = [
    ("", "（请选择）"),
    (1, "甲 & 乙 <局>"),
    ('x"y', "引号"),
    ("组", [(2, "组内一"), (3, "组内二")]),
    (2, "重复的值"),
]


@pytest.mark.parametrize("value", [None, "", 1, "1", 2, 'x"y', 99])
@pytest.mark.parametrize(
    "attrs", [{}, {"id": "id_u", "required": True, "hx-get": "/a?b=1&c=2", "disabled": False}]
)
def test_a_select_renders_as_django_s(value: Any, attrs: dict[str, Any]) -> None:
    fast = FastSelect(choices=CHOICES).render("unit", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("unit", value, attrs=attrs)
    assert elements(fast) == elements(django)


@pytest.mark.parametrize("value", [None, [], [1], ["1", 3], [2], ['x"y', 2, 99]])
def test_a_multiple_select_renders_as_django_s(value: Any) -> None:
    fast = FastSelectMultiple(choices=CHOICES).render("units", value, attrs={"id": "id_units"})
    django = forms.SelectMultiple(choices=CHOICES).render("units", value, attrs={"id": "id_units"})
    assert elements(fast) == elements(django)


@pytest.mark.django_db
def test_unit_fields_render_as_django_s_in_a_bound_form(p: Any) -> None:
    class Form(forms.Form):
        one = UnitChoice(queryset=Unit.objects.order_by("path"))
        many = UnitsChoice(queryset=Unit.objects.order_by("path"), required=False)

    class Plain(forms.Form):
        one = UnitChoice(queryset=Unit.objects.order_by("path"), widget=forms.Select)
        many = UnitsChoice(
            queryset=Unit.objects.order_by("path"), required=False, widget=forms.SelectMultiple
        )

    data = {"one": str(p.unit_a.pk), "many": [str(p.unit_b.pk), str(p.office.pk)]}
    assert isinstance(Form().fields["one"].widget, FastSelect)
    for bound in ({}, data):
        fast, plain = (Form(bound or None), Plain(bound or None))
        for name in ("one", "many"):
            assert elements(str(fast[name])) == elements(str(plain[name])), name
    assert "selected>区发展和改革局</option>" in str(Form(data)["one"]).replace("\u3000", "")


@pytest.mark.django_db
def test_unit_choices_are_read_as_rows_with_the_labels_of_their_units(p: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    field = UnitChoice(queryset=Unit.objects.order_by("path"))
    with CaptureQueriesContext(connection) as queries:
        choices = list(iter(field.choices))  # (list() alone asks its length first: a COUNT)
    assert len(queries) == 1
    units = list(Unit.objects.order_by("path"))
    assert choices == [("", field.empty_label)] + [(u.pk, field.label_from_instance(u)) for u in units]
    many = UnitsChoice(queryset=Unit.objects.order_by("path"))
    assert list(many.choices) == [(u.pk, many.label_from_instance(u)) for u in units]
    # a value still comes back as the unit
    assert field.clean(str(p.unit_a.pk)) == p.unit_a
    assert list(many.clean([str(p.unit_b.pk)])) == [p.unit_b]


@pytest.mark.django_db
def test_person_choices_are_read_as_rows_with_their_names(p: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from luoshi.org.forms import PersonChoice
    from luoshi.org.models import Person

    field = PersonChoice(queryset=Person.objects.order_by("name", "pk"))
    with CaptureQueriesContext(connection) as queries:
        choices = list(iter(field.choices))
    assert len(queries) == 1
    people = list(Person.objects.order_by("name", "pk"))
    assert choices == [("", field.empty_label)] + [(x.pk, str(x)) for x in people]
    assert field.clean(str(people[0].pk)) == people[0]
    assert isinstance(field.widget, FastSelect)
