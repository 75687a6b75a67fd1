from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_DATE, MIN_DATE
from luoshi.lib.widgets import FastSelect, FastSelectMultiple
from luoshi.org.models import Membership, Person, Role, Unit
from luoshi.projects.models import Project
from luoshi.work.models import Plan

from .models import Cadence


class CardForm(forms.Form):
    card_no = forms.CharField(label=_("卡号"), max_length=40)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=50_000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("议定事项"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.ModelChoiceField(
        widget=FastSelect, label=_("责任单位"), queryset=Unit.objects.filter(is_active=True)
    )
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    plan = forms.ModelChoiceField(
        label=_("纳入计划"), queryset=Plan.objects.filter(is_active=True), required=False
    )

    def clean_deadline(self) -> Any:
        day = self.cleaned_data["deadline"]
        if not MIN_DATE <= day <= MAX_DATE:
            raise forms.ValidationError(_("日期超出范围。"))
        return day

    def __init__(self, *args: Any, plans: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class SeriesForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    cadence = forms.ChoiceField(label=_("频次"), choices=Cadence.choices, initial=Cadence.WEEKLY)
    chair = forms.ModelChoiceField(widget=FastSelect, label=_("主持人"), queryset=Person.objects.none())
    units = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple,
        label=_("范围单位"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
    )
    plans = forms.ModelMultipleChoiceField(
        label=_("范围计划"), queryset=Plan.objects.filter(is_active=True), required=False
    )
    projects = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple, label=_("范围项目"), queryset=Project.objects.all(), required=False
    )
    unit_projects = forms.BooleanField(label=_("含范围单位牵头的重点项目"), required=False)
    start_time = forms.TimeField(
        label=_("开始时间"), initial="09:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    duration_minutes = forms.IntegerField(
        label=_("时长（分钟）"), initial=90, min_value=15, max_value=24 * 60
    )
    lead_hours = forms.IntegerField(
        label=_("议程提前发出（小时）"), initial=48, min_value=0, max_value=24 * 14
    )
    grace_minutes = forms.IntegerField(label=_("迟到宽限（分钟）"), initial=5, min_value=0, max_value=120)
    senior_only = forms.BooleanField(label=_("仅副科级及以上"), initial=True, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Chairs are leaders (区领导) holding a post now.
        leaders = Membership.objects.current().filter(post__role=Role.LEADER).values("person_id")
        self.fields["chair"].queryset = Person.objects.filter(pk__in=leaders).order_by("name")  # type: ignore[attr-defined]
