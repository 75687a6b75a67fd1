from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest

from luoshi.appeals import services
from luoshi.appeals.models import Appeal, Channel, Kind, Service
from tests.factories import Personas


@pytest.fixture
def service(p: Personas) -> Service:
    """A service routed to unit A (发改局), 72 hours to reply."""
    return Service.objects.create(
        code="permit", name="审批服务", group="政务服务", unit=p.unit_a, sla_hours=72
    )


@pytest.fixture
def unrouted(db: None) -> Service:
    return Service.objects.create(code="other", name="其他诉求", sla_hours=120)


def file(
    service: Service, *, kind: str = Kind.REQUEST, channel: str = Channel.WEB, actor: Any = None, **kw: Any
) -> Appeal:
    data = services.Intake(
        service=service,
        description=kw.pop("description", "审批材料一次性告知不清楚，来回跑了三趟。"),
        kind=kind,
        enterprise_name=kw.pop("enterprise_name", "示范科技有限公司"),
        contact_name="张经理",
        phone=kw.pop("phone", "13800000000"),
        **kw,
    )
    return services.appeal_submit(data=data, channel=channel, actor=actor)


class Clock:
    """`django.utils.timezone.now` held at a moment that the test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def shift(self, delta: timedelta) -> None:
        self.at += delta


@contextmanager
def frozen(at: datetime | str) -> Iterator[Clock]:
    clock = Clock(datetime.fromisoformat(at) if isinstance(at, str) else at)
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.at):
        yield clock
