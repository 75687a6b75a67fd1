from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.widgets import FastSelect
from luoshi.org.models import Unit

from .models import CatalogueKind, ComplianceState


class CommitmentForm(forms.Form):
    unit = forms.ModelChoiceField(widget=FastSelect, label=_("单位"), queryset=Unit.objects.order_by("path"))
    session = forms.CharField(label=_("承诺场次"), max_length=120)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("承诺事项"), max_length=300)
    measure = forms.CharField(label=_("措施或成果"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    task = forms.IntegerField(label=_("关联任务编号（选填）"), required=False, min_value=1)

    def clean_task(self) -> Any:
        from luoshi.work.models import Task

        pk = self.cleaned_data.get("task")
        if not pk:
            return None
        task = Task.objects.filter(pk=pk).first()
        if task is None:
            raise forms.ValidationError(_("任务不存在。"))
        return task


class CommitmentEditForm(forms.Form):
    title = forms.CharField(label=_("承诺事项"), max_length=300)
    measure = forms.CharField(label=_("措施或成果"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("修改原因"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ComplianceForm(forms.Form):
    period = forms.RegexField(label=_("期次"), regex=r"^\d{4}Q[1-4]$", max_length=6)
    state = forms.ChoiceField(label=_("兑现情况"), choices=ComplianceState.choices)
    note = forms.CharField(label=_("进展说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ComplianceReviewForm(forms.Form):
    note = forms.CharField(label=_("退回原因"), max_length=300, required=False)


class CatalogueImportForm(forms.Form):
    unit = forms.ModelChoiceField(widget=FastSelect, label=_("单位"), queryset=Unit.objects.order_by("path"))
    kind = forms.ChoiceField(label=_("清单"), choices=CatalogueKind.choices)
    file = forms.FileField(label=_("清单表格（xlsx 或 csv）"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls", ".et", ".csv")):
            raise forms.ValidationError(_("请上传 xlsx 或 csv 文件。"))
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        return f
