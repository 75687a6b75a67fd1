from datetime import date
from decimal import Decimal

import pytest

from luoshi.audit.services import verify_chain
from luoshi.work.models import Task
from luoshi.work.services import report_submit


@pytest.mark.django_db
def test_report_changes_light_and_audits(p):
    plan = p.plan()
    task = p.task(plan, title="推进项目开工")
    report_submit(actor=p.head_a, task=task, percent=50, narrative="过半", on=date(2024, 6, 30))
    task.refresh_from_db()
    assert task.actual_pct == Decimal("50.00")
    assert task.light == "green"
    assert verify_chain() is None
    assert Task.objects.visible_to(p.reporter_b).filter(pk=task.pk).count() == 0
    assert Task.objects.visible_to(p.leader).filter(pk=task.pk).count() == 1
