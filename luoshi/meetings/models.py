"""Dispatch meetings (调度会): series with a cadence, meetings, their frozen agenda, attendance,
check-in tokens, decisions (议定事项) that become tasks, and each person's calendar feed."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for


class Cadence(models.TextChoices):
    DAILY = "daily", _("每个工作日")
    TWICE_WEEKLY = "twice_weekly", _("每周两次")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("已安排")
    FROZEN = "frozen", _("议程已发出")
    HELD = "held", _("已召开")
    CLOSED = "closed", _("已办结")


class AttendanceState(models.TextChoices):
    PENDING = "pending", _("未签到")
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    ABSENT = "absent", _("缺席")
    EXCUSED = "excused", _("请假")


class CheckInMethod(models.TextChoices):
    CARD = "card", _("刷卡")
    QR = "qr", _("扫码")
    SECRETARY = "secretary", _("会务代签")


class Refusal(models.TextChoices):
    UNKNOWN_CARD = "unknown_card", _("卡号未登记")
    TOKEN_UNKNOWN = "token_unknown", _("签到码无效")
    TOKEN_USED = "token_used", _("签到码已使用")
    TOKEN_EXPIRED = "token_expired", _("签到码已过期")
    ENDED = "ended", _("会议已结束")
    NOT_OPEN = "not_open", _("签到尚未开始")


def _sees_all(user: Any) -> bool:
    ctx = context_for(user)
    return ctx.is_officer or ctx.is_leader


class SeriesQuerySet(models.QuerySet["MeetingSeries"]):
    def visible_to(self, user: Any) -> SeriesQuerySet:
        """The office and leaders see every series; others those they chair or attend."""
        if user is None or not user.is_authenticated:
            return self.none()
        if _sees_all(user):
            return self.all()
        person = context_for(user).person_id
        if person is None:
            return self.none()
        return self.filter(
            Q(chair_id=person)
            | Q(pk__in=Attendance.objects.filter(person_id=person).values("meeting__series_id"))
        )


class MeetingSeries(models.Model):
    """A dispatch meeting series (调度会): cadence, chair, scope (units, plans, projects), agenda lead time and
    who must attend (heads of the units in scope, by role and rank: 副科级及以上)."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    cadence = models.CharField(_("频次"), max_length=16, choices=Cadence.choices, default=Cadence.WEEKLY)
    chair = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="chaired_series", verbose_name=_("主持人")
    )
    units: models.ManyToManyField[Any, SeriesUnit] = models.ManyToManyField(
        "org.Unit",
        blank=True,
        related_name="+",
        through="SeriesUnit",
        through_fields=("series", "unit"),
        verbose_name=_("范围单位"),
    )
    plans: models.ManyToManyField[Any, SeriesPlan] = models.ManyToManyField(
        "work.Plan", blank=True, related_name="+", through="SeriesPlan", verbose_name=_("范围计划")
    )
    # Key projects in scope (raised by the projects app's agenda source): those named here, and with
    # `unit_projects` every project led by a unit in scope (all projects when no unit is named).
    projects: models.ManyToManyField[Any, SeriesProject] = models.ManyToManyField(
        "projects.Project", blank=True, related_name="+", through="SeriesProject", verbose_name=_("范围项目")
    )
    unit_projects = models.BooleanField(_("含范围单位牵头的重点项目"), default=False)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    start_time = models.TimeField(_("开始时间"))
    duration_minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=90)
    lead_hours = models.PositiveSmallIntegerField(_("议程提前发出（小时）"), default=48)
    grace_minutes = models.PositiveSmallIntegerField(_("迟到宽限（分钟）"), default=5)
    attendee_roles = models.CharField(
        _("参会岗位角色"), max_length=80, default="head", help_text=_("以逗号分隔的角色代码，如 head,leader")
    )
    senior_only = models.BooleanField(_("仅副科级及以上"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created = models.DateTimeField(default=timezone.now)
    # the chair's unit when the series was set up (`series_create`), and so the series' region
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("主持单位"),
    )
    region = RegionKey(source=("unit",))

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("调度会")
        verbose_name_plural = _("调度会")

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        return [r.strip() for r in self.attendee_roles.split(",") if r.strip()]


class SeriesUnit(models.Model):
    """A unit in a series' scope (the table Django made for `MeetingSeries.units`, now with its region)."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, db_column="meetingseries_id")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("series",))

    class Meta:
        db_table = "meetings_meetingseries_units"
        unique_together = [("series", "unit")]


class SeriesPlan(models.Model):
    """A plan in a series' scope (the table of `MeetingSeries.plans`)."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, db_column="meetingseries_id")
    plan = models.ForeignKey("work.Plan", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("series",))

    class Meta:
        db_table = "meetings_meetingseries_plans"
        unique_together = [("series", "plan")]


class SeriesProject(models.Model):
    """A key project in a series' scope (the table of `MeetingSeries.projects`)."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, db_column="meetingseries_id")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("series",))

    class Meta:
        db_table = "meetings_meetingseries_projects"
        unique_together = [("series", "project")]


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        """The office and leaders see every meeting; others the meetings of series they may see."""
        if user is None or not user.is_authenticated:
            return self.none()
        if _sees_all(user):
            return self.all()
        return self.filter(series__in=MeetingSeries.objects.visible_to(user))


class Meeting(models.Model):
    """One meeting of a series; its agenda is frozen and sent `lead_hours` before it starts."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField(_("期次"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    agenda_send_at = models.DateTimeField(_("议程发出时间"))
    agenda_sent_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("series",))

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="meeting_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["state", "agenda_send_at"], name="meeting_send_idx")]

    def __str__(self) -> str:
        return f"{self.series.name} 第{self.number}期"

    @property
    def frozen(self) -> bool:
        return self.state != MeetingState.PLANNED


class AgendaItem(models.Model):
    """An agenda line (议题): a task in scope and why it is on the agenda, with its figures as they
    stood when the agenda was generated (a copy: later reports do not change a sent agenda)."""

    # A city-wide weekly agenda is tens of thousands of lines written at once, and PostgreSQL checks
    # each line's foreign keys one row at a time at commit (row-locking every task named): for
    # 19,296 lines that was 60 % of the first draw. So the database checks none of them. The one
    # writer (`drawing.write_agenda`) holds the meeting's row locked and has just read the tasks,
    # units and region it copies, in the same transaction; Django's PROTECT still refuses to delete a
    # task on an agenda and its CASCADE deletes a meeting's lines with it (tests/meetings). The unique
    # (meeting, task) serves lookups by meeting, so the meeting needs no index of its own.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", db_index=False, db_constraint=False
    )
    task = models.ForeignKey("work.Task", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    source = models.CharField(max_length=30, default="tasks")
    reasons = models.CharField(_("上会原因"), max_length=120)
    title = models.CharField(_("事项"), max_length=500)
    lead_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    light = models.CharField(_("亮灯"), max_length=12)
    actual_pct = models.DecimalField(max_digits=7, decimal_places=2)
    expected_pct = models.DecimalField(max_digits=7, decimal_places=2)
    due = models.DateField(_("完成时限"))
    sort = models.PositiveIntegerField(default=0)
    # no index of its own either: every read of agenda lines names the meeting (moving a meeting's
    # region moves its lines by meeting), and a city-wide agenda's 19,296 lines cost 24 ms more to
    # write with one (bench/README.md)
    region = RegionKey(source=("meeting",), db_constraint=False, db_index=False)

    class Meta:
        ordering = ["meeting", "sort"]
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        constraints = [models.UniqueConstraint(fields=["meeting", "task"], name="agenda_task_once")]

    def __str__(self) -> str:
        return self.title

    @property
    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.split(",") if r]

    @property
    def reason_labels(self) -> list[tuple[str, str]]:
        """(code, label) of each reason, the label in the active language."""
        from .agenda import reason_label

        return [(r, reason_label(r)) for r in self.reason_list]


class Attendance(models.Model):
    """A person's attendance (出席) at a meeting: required or not, and how and when they checked in."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    required = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=AttendanceState.choices, default=AttendanceState.PENDING)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=CheckInMethod.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = RegionKey(source=("meeting",))

    class Meta:
        ordering = ["meeting", "unit__path", "person__name"]
        verbose_name = _("出席")
        verbose_name_plural = _("出席")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting_id}"


def _token() -> str:
    return secrets.token_urlsafe(18)


class CheckInToken(models.Model):
    """A single-use QR check-in token shown at the door (门口二维码); it expires within minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=40, unique=True, default=_token)
    expires_at = models.DateTimeField()
    # who had the door screen show it (the door page is opened by the office: meetings.qr.displayed)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = RegionKey(source=("meeting",))

    class Meta:
        verbose_name = _("签到码")
        verbose_name_plural = _("签到码")

    def __str__(self) -> str:
        return f"{self.token[:6]}… ({self.meeting_id})"


class CheckInRefusal(models.Model):
    """A refused check-in, kept: unknown card, reused or expired token, a meeting that has ended."""

    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="refusals"
    )
    reason = models.CharField(max_length=20, choices=Refusal.choices)
    detail = models.CharField(max_length=80, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # the meeting's region; a refusal naming no meeting (an unknown token) takes the actor's (`_refuse`)
    region = RegionKey(source=("meeting",))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("签到拒绝记录")
        verbose_name_plural = _("签到拒绝记录")

    def __str__(self) -> str:
        return f"{self.reason} @ {self.at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    """A decision (议定事项): what, which unit owns it, by when; once made a task, linked to it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("议定事项"), max_length=500)
    owner_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    deadline = models.DateField(_("完成时限"))
    plan = models.ForeignKey(
        "work.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("纳入计划")
    )
    task = models.OneToOneField(
        "work.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_decision"
    )
    sort = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("meeting",))

    class Meta:
        ordering = ["meeting", "sort", "pk"]
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")

    def __str__(self) -> str:
        return self.text


class CalendarFeed(models.Model):
    """A person's secret calendar address (日历订阅): whoever holds the URL reads the feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=40, unique=True, default=_token)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return f"{self.user} ({self.token[:4]}…)"
