"""The task engine's fixed vocabularies (TextChoices) and the sets of them the rules use.

Apart from the models so that the querysets (`querysets.py`) and pure code can use them without
importing the models; `luoshi.work.models` names them too.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class Light(models.TextChoices):
    """Computed light (亮灯); never typed in. Order of `SEVERITY` is worst-last."""

    NOT_STARTED = "not_started", _("未开始")
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("滞后")
    RED = "red", _("严重滞后")
    OVERDUE = "overdue", _("逾期")
    DONE = "done", _("完成")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_PROGRESS = "in_progress", _("推进中")
    CLAIMED = "claimed", _("已申请完成")
    CLOSED = "closed", _("已销号")
    SUSPENDED = "suspended", _("暂停")
    CANCELLED = "cancelled", _("已取消")


# A public task is shown to everyone, signed in or not, once it is under way.
PUBLIC_STATUSES = (Status.IN_PROGRESS, Status.CLAIMED, Status.CLOSED)
# Left out of every count and roll-up (统计口径): not yet issued, or no longer to be done.
NOT_COUNTED = (Status.DRAFT, Status.CANCELLED)


class Source(models.TextChoices):
    TARGET = "target", _("目标分解")
    PROJECT = "project", _("重点项目")
    SUPERVISION = "supervision", _("督办事项")
    RECTIFICATION = "rectification", _("整改问题")
    MEETING = "meeting", _("会议议定")
    COMMITMENT = "commitment", _("承诺事项")
    INSTRUCTION = "instruction", _("领导批示")
    ENTERPRISE = "enterprise", _("企业服务")


# A key project's carrying task (项目推进任务): source 重点项目, referenced to the project alone
# ("project:<id>"). It follows the project's own stages and investment and nobody reports on it, so no
# reporting period is owed by it and none is ever late (迟报) — not in the stored flag, the late marks,
# the reminders, the bulletins or a unit's timeliness. A project's problem made a task is referenced
# "project:<id>/problem:<id>" and is reported on as any task.
CARRYING_REF = r"^project:[0-9]+$"
_CARRYING_REF = re.compile(CARRYING_REF)


def owes_no_report(source: str, source_ref: str) -> bool:
    """A carrying task: nobody reports on it (`CARRYING_REF`)."""
    return source == Source.PROJECT and _CARRYING_REF.match(source_ref or "") is not None


class Direction(models.TextChoices):
    HIGHER = "higher", _("越大越好")
    LOWER = "lower", _("越小越好")


class ReportState(models.TextChoices):
    PENDING = "pending", _("待单位审核")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")


class LateCause(models.TextChoices):
    """Why a period is late (`rules.late_cause`): not filed by the deadline, or filed by it and
    approved (known to the office) after it."""

    FILING = "filing", _("迟报（填报）")
    APPROVAL = "approval", _("迟审（审核）")


class ClaimKind(models.TextChoices):
    COMPLETION = "completion", _("完成申请")
    MILESTONE = "milestone", _("节点完成")


class ClaimState(models.TextChoices):
    PENDING = "pending", _("待单位审核")
    SUBMITTED = "submitted", _("待督查室确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已退回")


OPEN_CLAIM_STATES = (ClaimState.PENDING, ClaimState.SUBMITTED)
