"""The notification preference form (通知方式) on the notifications page."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Digest


class PreferenceForm(forms.Form):
    """Immediate notices or a daily / weekly digest of followed tasks' light changes."""

    digest = forms.ChoiceField(label=_("关注任务亮灯变化"), choices=Digest.choices)


class ReminderForm(forms.Form):
    """Reminders (提醒): channels besides in-app, the weekly digest, quiet hours (免打扰)."""

    email_on = forms.BooleanField(label=_("电子邮件"), required=False)
    sms_on = forms.BooleanField(label=_("短信"), required=False)
    wecom_on = forms.BooleanField(label=_("企业微信群机器人"), required=False)
    dingtalk_on = forms.BooleanField(label=_("钉钉群机器人"), required=False)
    weekly_digest = forms.BooleanField(label=_("每周工作提醒汇总"), required=False)
    quiet_start = forms.TimeField(label=_("免打扰开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_end = forms.TimeField(label=_("免打扰结束"), widget=forms.TimeInput(attrs={"type": "time"}))


class OutboxFilter(forms.Form):
    """The office's view of the outbox (发送记录): by rule, channel, state and recipient."""

    rule = forms.CharField(label=_("规则"), required=False, max_length=60)
    channel = forms.ChoiceField(label=_("渠道"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    recipient = forms.CharField(label=_("接收人"), required=False, max_length=150)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from .models import Channel, OutboxState

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["channel"]).choices = [("", _("全部"))] + list(Channel.choices)
        cast(forms.ChoiceField, self.fields["state"]).choices = [("", _("全部"))] + list(OutboxState.choices)
