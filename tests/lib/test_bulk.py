"""`lib.bulk.write_rows`: COPY on PostgreSQL, executemany elsewhere; only JSON columns are encoded."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luoshi.jobs.models import Job
from luoshi.lib.bulk import model_rows, write_rows

pytestmark = pytest.mark.django_db


def test_rows_are_written_with_their_json_columns_encoded_and_their_texts_as_given() -> None:
    now = timezone.now()
    rows = [
        {"kind": "导入", "args": {"计划": 1, "行": [1, 2]}, "progress": [], "message": '{"不是": "JSON"}'},
        {"kind": "tab\tand\nnewline \\ slash", "args": {}, "progress": {"done": 3}, "message": ""},
    ]
    columns, values = model_rows(Job, [{"created": now, **r} for r in rows], skip_id=True)
    assert write_rows(Job, columns, values) == 2
    stored = list(Job.objects.order_by("pk").values("kind", "args", "progress", "message"))
    assert stored == [
        {"kind": "导入", "args": {"计划": 1, "行": [1, 2]}, "progress": [], "message": '{"不是": "JSON"}'},
        {"kind": "tab\tand\nnewline \\ slash", "args": {}, "progress": {"done": 3}, "message": ""},
    ]


def test_a_table_without_json_columns_takes_its_rows_as_they_are() -> None:
    from luoshi.lib.bulk import _json_columns

    assert _json_columns(Job, ["kind", "args", "state", "progress"]) == [1, 3]
    # a column the model does not know is encoded when it holds a dict or a list, as before
    assert _json_columns(Job, ["kind", "extra"]) == [1]
    assert _json_columns(Job, ["kind", "state", "message"]) == []
