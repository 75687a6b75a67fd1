"""The study room (网络学堂): materials, courses assigned to posts, a question bank, exam attempts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for
from luoshi.org.models import Membership, Person, Post


class MaterialKind(models.TextChoices):
    DOCUMENT = "document", _("文档")
    LINK = "link", _("链接")
    VIDEO = "video", _("视频")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    JUDGE = "judge", _("判断题")


class CourseQuerySet(models.QuerySet["Course"]):
    def visible_to(self, user: Any) -> CourseQuerySet:
        """Officers see every course; a person sees the courses assigned to a post they hold now."""
        ctx = context_for(user)
        if ctx.is_officer:
            return self
        if ctx.person_id is None:
            return self.none()
        posts = Membership.objects.current().filter(person_id=ctx.person_id).values("post_id")
        assigned = Course.posts.through.objects.filter(post_id__in=posts).values("course_id")
        return self.filter(pk__in=assigned)


class Course(models.Model):
    """A course (课程): materials to study and an exam drawn from its question bank."""

    title = models.CharField(_("课程名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("及格分"), default=60)
    attempts_allowed = models.PositiveSmallIntegerField(_("考试次数"), default=3, help_text=_("0 为不限"))
    time_limit = models.PositiveSmallIntegerField(_("限时（分钟）"), default=30)
    draw_single = models.PositiveSmallIntegerField(_("单选题数"), default=5)
    draw_multiple = models.PositiveSmallIntegerField(_("多选题数"), default=3)
    draw_judge = models.PositiveSmallIntegerField(_("判断题数"), default=2)
    posts: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Post, blank=True, related_name="+", verbose_name=_("适用岗位"), through="CoursePost"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    # The office that set the course: the creating officer's unit (services.course_create); it
    # gives the course its region (the root region when the officer holds no post).
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    region = RegionKey(source=("unit",), root_fallback=True)  # lib/regions.py
    # Optimistic edits: `services.course_update(seen=…)` writes only while the row is still at the
    # version the editor loaded (a conditional UPDATE), so of two concurrent edits one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Withdrawn (归档) after people sat its exam: hidden from learners' lists and from new attempts,
    # kept with its attempts for the records and for assessment (services.course_withdraw).
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "pk"]
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="course_pass_mark_le_100")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def wanted(self) -> dict[str, int]:
        return {"single": self.draw_single, "multiple": self.draw_multiple, "judge": self.draw_judge}


class CoursePost(models.Model):
    """A post a course is assigned to (`Course.posts`), on the many-to-many's own table."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    region = RegionKey(source=("course",))  # lib/regions.py

    class Meta:
        db_table = "learning_course_posts"
        unique_together = [("course", "post")]


class Material(models.Model):
    """A study material (学习资料) of a course: an uploaded document, a link or a video by URL."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("类型"), max_length=10, choices=MaterialKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    url = models.URLField(_("网址"), blank=True, max_length=500)
    file = models.FileField(_("文件"), upload_to="learning/%Y/%m/", blank=True)
    name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("course",))  # lib/regions.py

    class Meta:
        ordering = ["pk"]
        verbose_name = _("学习资料")
        verbose_name_plural = _("学习资料")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question of a course's bank (题库): options in order, the right ones by index."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("答案"), default=list)
    code = models.CharField(_("题号"), max_length=40, blank=True)
    region = RegionKey(source=("course",))  # lib/regions.py

    class Meta:
        ordering = ["pk"]
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "code"], condition=~Q(code=""), name="learning_question_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def visible_to(self, user: Any) -> AttemptQuerySet:
        """Officers see every attempt; a person their own; a unit's head those of its people."""
        ctx = context_for(user)
        if ctx.is_officer:
            return self
        q = Q(person_id=ctx.person_id) if ctx.person_id else Q(pk__in=[])
        if ctx.head_unit_ids:
            q |= Q(unit_id__in=ctx.head_unit_ids)
        return self.filter(q)


class Attempt(models.Model):
    """One sitting of a course's exam (考试): the drawn questions, the answers, the score."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    question_ids = models.JSONField(default=list)
    # The paper as drawn (试卷快照): each question's id, kind, text, options and right answers when
    # the attempt started. The exam shows it and grading reads it, so editing or removing a bank
    # question never changes what an attempt asked or how it was marked.
    paper = models.JSONField(default=list)
    # The course's pass mark when the attempt started: a later change of the course's rules does
    # not change whether this attempt passes.
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(default=dict)
    late = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    region = RegionKey(source=("course",))  # lib/regions.py

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("考试记录")
        verbose_name_plural = _("考试记录")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=Q(submitted_at__isnull=True),
                name="learning_one_open_attempt",
            ),
            models.UniqueConstraint(fields=["course", "person", "number"], name="learning_attempt_number"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None
