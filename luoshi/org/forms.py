"""Forms of the organisation pages; the rules (who may, duplicates, the three admin duties) are in
the services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from luoshi.lib.formfields import model_choice
from luoshi.lib.widgets import FastSelect, FastSelectMultiple

from .models import Person, Post, Role, Unit, UnitCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _indented(depth: int, name: str) -> str:
    """A unit's label in a list: its name indented by its depth."""
    return "\u3000" * depth + name


class _UnitRows(ModelChoiceIterator):
    """A unit field's choices read as (id, depth, name) rows, not built as `Unit` objects (a
    province's 10,101 units took half of a task edit page's time to build, twice)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, depth, name in self.queryset.values_list("pk", "depth", "name"):
            yield (pk, _indented(depth, name))


class UnitChoice(forms.ModelChoiceField[Unit]):
    """A unit, indented by its depth; rendered in one pass (a province has ten thousand units)."""

    widget = FastSelect
    iterator = _UnitRows

    def label_from_instance(self, obj: Unit) -> str:
        return _indented(obj.depth, obj.name)


class UnitsChoice(forms.ModelMultipleChoiceField[Unit]):
    widget = FastSelectMultiple
    iterator = _UnitRows

    def label_from_instance(self, obj: Unit) -> str:
        return _indented(obj.depth, obj.name)


class _PersonRows(ModelChoiceIterator):
    """A person field's choices read as (id, name) rows, not built as `Person` objects (a province
    has 20,600 people, and a task's edit page offers them twice)."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class PersonChoice(forms.ModelChoiceField[Person]):
    """A person, by name; rendered in one pass."""

    widget = FastSelect
    iterator = _PersonRows

    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class PostChoice(forms.ModelChoiceField[Post]):
    def label_from_instance(self, obj: Post) -> str:
        return obj.title


def units() -> Any:
    return Unit.objects.active().only("pk", "name", "depth", "path").order_by("path")


class UnitForm(forms.Form):
    code = forms.CharField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=120)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    aliases = forms.CharField(
        label=_("别名"), max_length=300, required=False, help_text=_("以顿号或逗号分隔")
    )
    category = forms.ChoiceField(label=_("类别"), choices=UnitCategory.choices)
    parent = UnitChoice(queryset=Unit.objects.none(), required=False, label=_("上级单位"))
    sort = forms.IntegerField(label=_("排序"), initial=0, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = units()
        if unit is not None:
            qs = qs.exclude(path__startswith=unit.path)
            self.fields["code"].disabled = True
            self.fields["code"].required = False
        model_choice(self, "parent").queryset = qs


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    card_no = forms.CharField(label=_("卡号"), max_length=40, required=False)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class PostForm(forms.Form):
    title = forms.CharField(label=_("职务"), max_length=80)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    senior = forms.BooleanField(label=_("副科级及以上"), required=False)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class HolderForm(forms.Form):
    """A person takes one of the unit's posts (任职)."""

    post = PostChoice(queryset=Post.objects.none(), label=_("岗位"))
    person = forms.ModelChoiceField(widget=FastSelect, queryset=Person.objects.none(), label=_("人员"))
    start = forms.DateField(label=_("任职起"), widget=DATE)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "post").queryset = Post.objects.filter(unit=unit).order_by("title")
        model_choice(self, "person").queryset = Person.objects.only("pk", "name").order_by("name", "pk")


class EndForm(forms.Form):
    end = forms.DateField(label=_("任职止"), widget=DATE)


class PortfolioForm(forms.Form):
    units = UnitsChoice(
        queryset=Unit.objects.none(),
        required=False,
        label=_("分管单位"),
        widget=FastSelectMultiple(attrs={"size": 10}),
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "units").queryset = units()


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)
