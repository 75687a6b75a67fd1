"""Bookkeeping of the daily tick (每日巡检): one row per day, claimed before it runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TickRun(models.Model):
    """The daily tick for one day. A worker holds the lease while it runs, so two never overlap.

    The lease fields are empty when no one runs the day; a run that changes nothing puts the row
    back exactly as it found it, so running the tick twice for a day leaves every table unchanged.
    """

    day = models.DateField(_("日期"), unique=True)
    lease_token = models.CharField(max_length=64, null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set by the last run that changed something.
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("每日巡检")
        verbose_name_plural = _("每日巡检")

    def __str__(self) -> str:
        return str(self.day)


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A background job that must finish even if its worker dies (解析大表、补全拼音).

    Written in the same transaction as the data it works on and sent to the queue on commit. A
    worker running it holds a lease it renews while alive (heartbeat); a job whose lease ran out —
    its worker was killed, or the queue lost it — is queued again by `recover` (at worker start
    and every minute) and run again: every job is safe to run twice, and `progress` lets it resume.
    """

    kind = models.CharField(_("类型"), max_length=40)
    args = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    # Running: the worker's token and when its lease ends unless renewed. Queued: by when a worker
    # should have taken it (else it is queued again).
    lease_token = models.CharField(max_length=64, null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    progress = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "lease_until"], name="jobs_job_state_lease")]
        verbose_name = _("后台作业")
        verbose_name_plural = _("后台作业")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class StepState(models.TextChoices):
    RUNNING = "running", _("运行中")
    FINISHED = "finished", _("已完成")
    FAILED = "failed", _("失败")


class StepRun(models.Model):
    """One registered step of the daily tick for one day (`jobs.periodic`): when it last started and
    finished, what it changed, and whether it finished — a run cut short resumes at the step that
    did not."""

    day = models.DateField(_("日期"))
    step = models.CharField(_("步骤"), max_length=80)
    state = models.CharField(_("状态"), max_length=10, choices=StepState.choices, default=StepState.RUNNING)
    started = models.DateTimeField(_("开始时间"))
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["day", "started", "pk"]
        constraints = [models.UniqueConstraint(fields=["day", "step"], name="steprun_once_a_day")]
        verbose_name = _("巡检步骤")
        verbose_name_plural = _("巡检步骤")

    def __str__(self) -> str:
        return f"{self.day} {self.step}"
