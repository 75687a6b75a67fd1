from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.widgets import FastSelectMultiple
from luoshi.org.models import Unit, UnitCategory

from . import rules
from .models import RoundKind

SCALES = [
    ("satisfaction", _("满意 100 / 基本满意 80 / 不满意 0")),
    ("ten", _("1–10 分（5 分及以下为不满意）")),
]

DEFAULT_ITEMS = (_("服务态度"), _("办事效率"), _("廉洁自律"))


def _units() -> Any:
    return Unit.objects.filter(is_active=True).order_by("path")


class RoundForm(forms.Form):
    """新建评议轮次."""

    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=RoundKind.choices)
    period = forms.CharField(label=_("评议期"), max_length=40, required=False)
    opens = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes = forms.DateTimeField(
        label=_("截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    scale = forms.ChoiceField(label=_("评分档次"), choices=SCALES)
    items = forms.CharField(
        label=_("评议事项"),
        help_text=_("每行一项"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minimum_responses = forms.IntegerField(label=_("最少有效票"), min_value=1, max_value=100000, initial=5)
    veto_percent = forms.DecimalField(
        label=_("不满意否决线（%）"), min_value=0, max_value=100, decimal_places=2, max_digits=5, initial=30
    )
    rated_units = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple, label=_("被评议单位"), queryset=Unit.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rated_units"].queryset = _units()  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["items"] = "\n".join(str(i) for i in DEFAULT_ITEMS)
            self.initial["rated_units"] = list(
                _units().filter(category=UnitCategory.DEPARTMENT).values_list("pk", flat=True)
            )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["scale"] = rules.PRESETS[data["scale"]]
        data["items"] = [line.strip() for line in data["items"].splitlines() if line.strip()]
        return data


class PanelForm(forms.Form):
    """新建评议组 with the units it rates (none: the round's)."""

    name = forms.CharField(label=_("评议组"), max_length=100)
    rated_units = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple,
        label=_("被评议单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("不选则为本轮的被评议单位"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rated_units"].queryset = _units()  # type: ignore[attr-defined]
