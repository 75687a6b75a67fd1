"""Small forms of the task pages (the task list's filter form lives in filters.py, shared with the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_ID


class FollowForm(forms.Form):
    """Follow (关注) or stop following a task."""

    follow = forms.TypedChoiceField(
        label=_("关注"), choices=[("1", _("关注")), ("0", _("取消关注"))], coerce=lambda v: v == "1"
    )


class PlanNodeForm(forms.Form):
    """Which node of the plan tree to open (`?parent=<task id>`); absent means the top level."""

    parent = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
