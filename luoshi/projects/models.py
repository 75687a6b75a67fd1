"""Key projects (重点项目): one identity across years, a stage pipeline, investment, owners, problems."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for
from luoshi.org.models import Post, Unit


class Category(models.TextChoices):
    """The four fixed categories; a plan's own themes go in `Project.theme`."""

    INDUSTRY = "industry", _("产业转型")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    LIVELIHOOD = "livelihood", _("民生改善")
    REFORM = "reform", _("改革创新")


class Stage(models.TextChoices):
    """The 七个一批 pipeline, in order (包装 → … → 达产达效)."""

    PACKAGED = "packaged", _("包装")
    INVITING = "inviting", _("招商")
    SIGNED = "signed", _("签约")
    LANDED = "landed", _("落地")
    STARTED = "started", _("开工")
    BUILDING = "building", _("在建")
    PRODUCING = "producing", _("投产")
    REACHED = "reached", _("达产达效")


class OwnerRole(models.TextChoices):
    """The four named owners of a key project (四包一)."""

    LEADER = "leader", _("包抓领导")
    MANAGER = "manager", _("项目经理")
    LOCAL_HEAD = "local_head", _("属地负责人")
    DEPARTMENT_HEAD = "department_head", _("牵头部门负责人")


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: Any) -> ProjectQuerySet:
        """The office sees every project; others the projects led by a unit in their scope or owned
        (四包一) by a post in one of their units."""
        ctx = context_for(user)
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if ctx.sees_everything:
            return self.all()
        units = ctx.scope_unit_ids | ctx.post_unit_ids
        owned = ProjectOwner.objects.filter(project=OuterRef("pk"), post__unit_id__in=units)
        return self.filter(Q(lead_unit_id__in=units) | Exists(owned))

    def editable_by(self, user: Any) -> ProjectQuerySet:
        """Who may report a project's stages and investment: the office, or the lead unit's
        reporters and head."""
        ctx = context_for(user)
        if ctx.sees_everything:
            return self.all()
        return self.filter(lead_unit_id__in=ctx.reporter_unit_ids | ctx.head_unit_ids)


class Project(models.Model):
    """A key project (重点项目): one stable record whatever its name in each year's list."""

    name = models.CharField(_("项目名称"), max_length=200)
    code = models.CharField(_("编号"), max_length=40, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, blank=True)
    theme = models.CharField(_("计划主题"), max_length=80, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位"), null=True, blank=True
    )
    protected = models.BooleanField(_("挂牌保护"), default=False)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2, default=0)
    task = models.ForeignKey(
        "work.Task", on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("任务")
    )
    # The latest stage met and since when: kept by the stage services, read by the board.
    stage = models.CharField(_("当前阶段"), max_length=20, choices=Stage.choices, blank=True)
    stage_since = models.DateField(_("进入阶段日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)
    # the lead unit's region when it was created (else its task's; else the creating office's, set
    # by `project_create`); a later change of lead unit does not move its history
    region = RegionKey(source=("lead_unit", "task"))

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        # the board's projects stuck longest: the oldest `stage_since` first
        indexes = [models.Index(fields=["stage_since", "code"], name="project_stage_since_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0), name="project_investment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectYear(models.Model):
    """A project's entry in one year's list (年度清单): the name it had there, the annual plan, and the
    investment completed in that year so far.

    Former names stay here, so next year's import can match a drifted name to the same project.
    `completed` is always the sum of the year's monthly rows (`ProjectInvestment`), kept by the
    services that write them (`investment_report`, `year_set`, `project_create`), so the board and
    standings read one row per project instead of its months; a project that reports investment in
    a year it was not listed in gets a row with no plan."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("清单中的名称"), max_length=300)
    seq = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    annual_plan = models.DecimalField(_("年度计划投资（万元）"), max_digits=14, decimal_places=2, default=0)
    status_word = models.CharField(_("清单中的状态"), max_length=20, blank=True)
    # 12 months of up to 12 integer digits each: two more digits than a month's column
    completed = models.DecimalField(
        _("年度累计完成投资（万元）"), max_digits=16, decimal_places=2, default=0, editable=False
    )
    region = RegionKey(source=("project",))

    class Meta:
        ordering = ["project_id", "year"]
        verbose_name = _("年度清单条目")
        verbose_name_plural = _("年度清单条目")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_year_once"),
            models.CheckConstraint(condition=Q(annual_plan__gte=0), name="project_year_plan_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class ProjectStage(models.Model):
    """One stage of one project, with its planned and met date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    planned = models.DateField(_("计划日期"), null=True, blank=True)
    met = models.DateField(_("完成日期"), null=True, blank=True)
    region = RegionKey(source=("project",))

    class Meta:
        ordering = ["project_id", "id"]
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="project_stage_once")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.stage}"


class StageChange(models.Model):
    """A stage recorded as met (or its date changed), with the evidence given for it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    met = models.DateField(_("完成日期"))
    note = models.TextField(_("说明"), blank=True)
    file = models.FileField(_("佐证材料"), upload_to="projects/evidence/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("project",))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("阶段变动")
        verbose_name_plural = _("阶段变动")
        # the board's moves this week and month read a range of days out of the whole history
        indexes = [models.Index(fields=["met"], name="project_stagechange_met_idx")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.stage}@{self.met}"


class ProjectInvestment(models.Model):
    """Investment completed in one month (月度完成投资, 万元)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="investments")
    month = models.DateField(_("月份"))  # the first day of the month
    amount = models.DecimalField(_("完成投资（万元）"), max_digits=14, decimal_places=2)
    region = RegionKey(source=("project",))

    class Meta:
        ordering = ["project_id", "month"]
        verbose_name = _("月度完成投资")
        verbose_name_plural = _("月度完成投资")
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="project_investment_month_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="project_investment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.month:%Y-%m}"


class ProjectOwner(models.Model):
    """One of the four owners (四包一), as a post: a change of holder keeps the project's history,
    which is the post's memberships."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="owners")
    role = models.CharField(_("职责"), max_length=20, choices=OwnerRole.choices)
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+", verbose_name=_("岗位"))
    region = RegionKey(source=("project",))

    class Meta:
        ordering = ["project_id", "role"]
        verbose_name = _("四包一")
        verbose_name_plural = _("四包一")
        constraints = [models.UniqueConstraint(fields=["project", "role"], name="project_owner_role_once")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.role}"


class ProjectProblem(models.Model):
    """An item of a project's problem list (问题清单); it becomes a task with an owner and deadline."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="problems")
    title = models.CharField(_("问题"), max_length=300)
    description = models.TextField(_("描述"), blank=True)
    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    deadline = models.DateField(_("解决时限"))
    task = models.ForeignKey(
        "work.Task", on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("任务")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("project",))

    class Meta:
        ordering = ["project_id", "deadline", "id"]
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")

    def __str__(self) -> str:
        return self.title


class ProjectImport(models.Model):
    """An uploaded project list (重点项目清单) between its preview and its commit: the file is kept so
    the commit reads exactly what was previewed, with the name-drift matches a person confirmed."""

    file = models.FileField(upload_to="projects/imports/%Y/%m/")
    file_name = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    committed = models.DateTimeField(null=True, blank=True)
    # the importing office's unit (`import_store`: the actor's), and so the batch's region
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    region = RegionKey(source=("unit",))

    class Meta:
        ordering = ["-created"]
        verbose_name = _("项目清单导入")
        verbose_name_plural = _("项目清单导入")

    def __str__(self) -> str:
        return self.file_name


class Boundary(models.Model):
    """The district's boundary (GeoJSON) for the project map (一张图), loaded from a file; the latest
    one is used. Served from this server only: the map makes no outside request."""

    name = models.CharField(_("名称"), max_length=120)
    geojson = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created = models.DateTimeField(default=timezone.now)
    # the district whose map it is: the loading office's region (`boundary_set`)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    region = RegionKey(source=("unit",))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("区域边界")
        verbose_name_plural = _("区域边界")

    def __str__(self) -> str:
        return self.name
