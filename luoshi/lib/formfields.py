"""Typed access to a form's fields: `form.fields[name]` is a plain Field to the type checker."""

from __future__ import annotations

from typing import Any

from django import forms


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field `name` (a ModelMultipleChoiceField is one too)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field


def choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name`."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field
