"""One fact typed once (一个事实只填一次): a completion claim's final value starts from the measure's
last approved report, so the unit does not type the figure it already reported."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work.models import Claim
from luoshi.work.services.reports import report_approve, report_submit
from tests.factories import Personas, evidence
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def _measured(p: Personas) -> Any:
    today = timezone.localdate()
    plan = p.plan(start=today - timedelta(days=200), due=today + timedelta(days=165), year=today.year)
    return p.task(plan, title="储备项目", metric_name="储备项目", metric_unit="个", baseline=0, target=200)


def _claim_input(p: Personas, task: Any) -> str:
    page = client_for(p.reporter_a).get(f"/work/tasks/{task.pk}/").content.decode()
    form = page[page.index('id="claim-form"') :]
    return form[form.index('name="value"') : form.index("</label>", form.index('name="value"'))]


def test_the_final_value_starts_from_the_last_report(p: Personas) -> None:
    task = _measured(p)
    assert "value=" not in _claim_input(p, task).replace('name="value"', "")
    report_approve(actor=p.head_a, report=report_submit(actor=p.reporter_a, task=task, value=193))
    assert 'value="193.0000"' in _claim_input(p, task)
    client_for(p.reporter_a).post(
        f"/work/tasks/{task.pk}/claim/", {"note": "已储备", "value": "193.0000", "evidence": evidence()}
    )
    assert Claim.objects.get(task=task).value == 193
