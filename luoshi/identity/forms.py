from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), max_length=200, strip=False)


class TokenForm(forms.Form):
    token = forms.CharField(label=_("验证码"), max_length=40)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原口令"), max_length=200, strip=False)
    new_password = forms.CharField(label=_("新口令"), max_length=200, strip=False)
    new_password2 = forms.CharField(label=_("再次输入新口令"), max_length=200, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新口令不一致。"))
        return data
