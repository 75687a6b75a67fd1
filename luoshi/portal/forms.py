"""The public feedback form: a honeypot field people never see and an arithmetic question signed
by the server (no outside captcha, works without JavaScript and with a screen reader)."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules

SALT = "luoshi.portal.challenge"
MAX_AGE = 3600


def new_challenge() -> tuple[str, str]:
    """(signed token, question) of a fresh arithmetic challenge."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    op = "+" if secrets.randbelow(2) else "-"
    if op == "-" and b > a:
        a, b = b, a
    token = signing.dumps([a, b, op, secrets.token_hex(4)], salt=SALT)
    return token, question(a, b, op)


def question(a: int, b: int, op: str) -> str:
    word = _("加") if op == "+" else _("减")
    return _("%(a)s %(op)s %(b)s 等于几？") % {"a": a, "op": word, "b": b}


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("留言内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        min_length=5,
    )
    contact = forms.CharField(label=gettext_lazy("联系方式（选填，不公开）"), max_length=80, required=False)
    # the honeypot: hidden from people by CSS and from screen readers; bots fill it
    website = forms.CharField(label=gettext_lazy("网址"), required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    answer = forms.CharField(label=gettext_lazy("验证问题"), max_length=6)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            token, text = new_challenge()
            self.initial["token"] = token
            self.question = text
        else:
            self.question = self._question_of(self.data.get("token", "")) or ""
        self.fields["answer"].label = self.question or _("验证问题")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @staticmethod
    def _question_of(token: str) -> str | None:
        try:
            a, b, op, _nonce = signing.loads(token, salt=SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return question(a, b, op)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("提交被拒绝。"), code="honeypot")
        try:
            a, b, op, _nonce = signing.loads(data.get("token", ""), salt=SALT, max_age=MAX_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(_("验证问题已过期，请重新回答。"), code="expired") from None
        except (signing.BadSignature, ValueError, TypeError):
            raise forms.ValidationError(_("验证问题无效，请重新回答。"), code="challenge") from None
        if not rules.answer_ok(a, b, op, data.get("answer", "")):
            self.add_error("answer", _("答案不正确。"))
        return data

    def refresh_challenge(self) -> None:
        """A new question after a refused answer (the old one must not be retried by a bot)."""
        token, text = new_challenge()
        data = self.data.copy()  # type: ignore[attr-defined]
        data["token"] = token
        data["answer"] = ""
        self.data = data
        self.question = text
        self.fields["answer"].label = text


class ReviewForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("不予公开的原因"), max_length=300, required=False)


class ModerateForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("答复"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤回原因"), max_length=300)
