from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lib.widgets import FastSelectMultiple
from luoshi.org.models import Post

from .models import Course, MaterialKind, Question, QuestionKind
from .services import COURSE_FIELDS, question_seen


class CourseForm(forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        label=_("完成期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    pass_mark = forms.IntegerField(label=_("及格分"), min_value=0, max_value=100, initial=60)
    attempts_allowed = forms.IntegerField(
        label=_("考试次数（0 为不限）"), min_value=0, max_value=99, initial=3
    )
    time_limit = forms.IntegerField(label=_("限时（分钟）"), min_value=1, max_value=600, initial=30)
    draw_single = forms.IntegerField(label=_("单选题数"), min_value=0, max_value=200, initial=5)
    draw_multiple = forms.IntegerField(label=_("多选题数"), min_value=0, max_value=200, initial=3)
    draw_judge = forms.IntegerField(label=_("判断题数"), min_value=0, max_value=200, initial=2)
    post_ids = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple,
        label=_("适用岗位"),
        queryset=Post.objects.select_related("unit"),
        required=False,
    )


class CourseEditForm(CourseForm):
    """The course's settings as stored, with the version they were loaded at."""

    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def initial_of(course: Course) -> dict[str, Any]:
        return {
            **{name: getattr(course, name) for name in COURSE_FIELDS},
            "post_ids": list(course.posts.all()),
            "seen": course.version,
        }


class MaterialEditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    url = forms.CharField(label=_("网址"), required=False, max_length=500)
    seen = forms.CharField(widget=forms.HiddenInput, max_length=32)


class AssignForm(forms.Form):
    post_ids = forms.ModelMultipleChoiceField(
        widget=FastSelectMultiple,
        label=_("适用岗位"),
        queryset=Post.objects.select_related("unit"),
        required=False,
    )


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=MaterialKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    url = forms.CharField(label=_("网址"), required=False, max_length=500)
    upload = forms.FileField(label=_("文件"), required=False)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题干"), widget=forms.Textarea(attrs={"rows": 2}))
    options = forms.CharField(
        label=_("选项（每行一个；判断题可不填）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    answer = forms.CharField(label=_("答案（字母，如 A 或 AC；判断题填 对/错）"), max_length=20)


class QuestionEditForm(QuestionForm):
    seen = forms.CharField(widget=forms.HiddenInput, max_length=32)

    @staticmethod
    def initial_of(question: Question) -> dict[str, Any]:
        letters = "".join(chr(ord("A") + i) for i in question.answer)
        if question.kind == QuestionKind.JUDGE:
            answer = str(_("对")) if question.answer == [0] else str(_("错"))
            options = ""
        else:
            answer, options = letters, "\n".join(question.options)
        return {
            "kind": question.kind,
            "text": question.text,
            "options": options,
            "answer": answer,
            "seen": question_seen(question),
        }


class ImportForm(forms.Form):
    table = forms.FileField(label=_("题库表格（xlsx 或 csv）"))
