"""The notification preference form (通知方式) on the notifications page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Digest


class PreferenceForm(forms.Form):
    """Immediate notices or a daily / weekly digest of followed tasks' light changes."""

    digest = forms.ChoiceField(label=_("关注任务亮灯变化"), choices=Digest.choices)
