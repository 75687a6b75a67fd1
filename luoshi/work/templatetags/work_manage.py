"""Links from the reading pages to the office's keeping pages, shown only to who may use them."""

from __future__ import annotations

from typing import Any

from django import template

from luoshi.org.access import context_for

register = template.Library()


@register.filter
def keeps_work(user: Any) -> bool:
    """Plans and tasks are kept by the supervision office (督查室)."""
    return context_for(user).is_officer
