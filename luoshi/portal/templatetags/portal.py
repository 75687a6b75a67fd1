"""Template helpers of the public portal."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def label(value: Any, labels: dict[str, Any]) -> Any:
    """The human label of a code (a light, a state, a kind), or the code itself."""
    return labels.get(value, value) if isinstance(labels, dict) else value
