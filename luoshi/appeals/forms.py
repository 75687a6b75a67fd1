from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.widgets import FastSelect
from luoshi.org.models import Unit, UnitCategory

from .models import Kind, Satisfaction, Service


class IntakeForm(forms.Form):
    """企业诉求: what the public form and the office's phone form both ask (Chinese first, phone
    first: short labels, the right keyboards)."""

    service = forms.ModelChoiceField(label=_("诉求类别"), queryset=Service.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label=_("性质"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.REQUEST
    )
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=200)
    description = forms.CharField(
        label=_("诉求内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}), min_length=5
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    # A field people never see (a honeypot): a bot that fills it is refused, nothing stored.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(active=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("提交失败，请刷新页面后重试。"))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("评价意见"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))


class RouteForm(forms.Form):
    unit = forms.ModelChoiceField(widget=FastSelect, label=_("承办单位"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().exclude(  # type: ignore[attr-defined]
            category__in=[UnitCategory.DISTRICT, UnitCategory.COMMUNITY]
        )


class VerifyForm(forms.Form):
    verified = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("1", _("属实")), ("0", _("不属实"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("核查说明"), max_length=300)


class ServiceForm(forms.Form):
    code = forms.SlugField(label=_("类别代码"), max_length=40)
    name = forms.CharField(label=_("类别名称"), max_length=100)
    group = forms.CharField(label=_("分组"), max_length=60, required=False)
    unit = forms.ModelChoiceField(
        widget=FastSelect, label=_("默认承办单位"), queryset=Unit.objects.none(), required=False
    )
    sla_hours = forms.IntegerField(label=_("答复时限（小时）"), min_value=1, max_value=24 * 90, initial=120)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().exclude(  # type: ignore[attr-defined]
            category__in=[UnitCategory.DISTRICT, UnitCategory.COMMUNITY]
        )


class ClientForm(forms.Form):
    name = forms.CharField(label=_("接入系统名称"), max_length=100)
