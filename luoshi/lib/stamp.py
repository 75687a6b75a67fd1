"""A short fingerprint of a record's editable fields, for optimistic edits of models without a version.

An edit form carries the fingerprint of what the editor saw; the service recomputes it from the
stored row and refuses the save (a conflict) when somebody else changed those fields in between.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models


def fingerprint(obj: models.Model, fields: Iterable[str]) -> str:
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)  # type: ignore[union-attr]
        # 5 and 5.00 are the same stored value: an unsaved copy and a reloaded row must agree.
        values[name] = value.normalize() if isinstance(value, Decimal) else value
    raw = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]
