from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.work.models import Plan

from .models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(label=_("文件（.xlsx、.xls 或 .csv）"))
    plan = forms.ModelChoiceField(
        label=_("导入到计划"), queryset=Plan.objects.none(), required=False, empty_label=_("（新建计划）")
    )
    plan_name = forms.CharField(label=_("新计划名称"), max_length=120, required=False)
    # Asked for when the title rows name no year (…2024年…); else the title's year is used.
    year = forms.IntegerField(label=_("新计划年份"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(is_active=True).order_by("-year", "name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == ImportKind.TASKS
            and not data.get("plan")
            and not (data.get("plan_name") or "").strip()
        ):
            self.add_error("plan", _("请选择计划，或填写新计划名称。"))
        return data
