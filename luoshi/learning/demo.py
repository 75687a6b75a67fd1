"""Demo data for the study room (网络学堂): two courses with materials and a question bank, assigned
to the departments' heads and reporters; some people passed, some failed, some have not started.
Through the real services; deterministic for a given builder seed."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from luoshi.org.models import Membership, Post, Role, UnitCategory

from . import services
from .models import Attempt, Question

QUESTIONS: list[tuple[str, str, list[str], list[int]]] = [
    (
        "single",
        "督查督办工作的基本原则是",
        ["实事求是、注重实效", "以会议落实会议", "层层加码", "留痕即落实"],
        [0],
    ),
    ("single", "“三单”不包括", ["权力清单", "责任清单", "负面清单", "采购清单"], [3]),
    ("single", "督办件逾期未办结的，应当", ["说明原因并限期整改", "自行销号", "不予理会", "撤回督办"], [0]),
    (
        "single",
        "填报工作进展时，应当",
        ["如实填写具体进度和数据", "使用套话", "照抄上期", "只报喜不报忧"],
        [0],
    ),
    ("single", "整改销号须经", ["验收确认", "口头说明", "自行宣布", "无需程序"], [0]),
    (
        "multiple",
        "以下属于形式主义表现的有",
        ["以文件落实文件", "过度留痕", "深入调研", "层层加码"],
        [0, 1, 3],
    ),
    ("multiple", "督查结果可以运用于", ["绩效考核", "评先评优", "干部选拔", "个人消费"], [0, 1, 2]),
    ("multiple", "重点任务台账应当写明", ["责任单位", "完成时限", "责任人", "天气情况"], [0, 1, 2]),
    ("judge", "督查工作应当减少不必要的填表报数。", [], [0]),
    ("judge", "任务逾期后可以不作说明直接销号。", [], [1]),
    ("judge", "责任单位对督办事项负主体责任。", [], [0]),
]


def build(builder: Any) -> None:
    """Two courses for the departments' heads and reporters (called from `luoshi.demo.build`)."""
    officer = builder.users["ducha1"]
    today = builder.today
    posts = list(
        Post.objects.filter(
            unit__category=UnitCategory.DEPARTMENT, role__in=[Role.HEAD, Role.REPORTER]
        ).values_list("pk", flat=True)
    )
    courses = [
        services.course_create(
            actor=officer,
            title="督查工作规范与“三单”知识",
            description="学习督查督办工作规范和本区权力清单、责任清单、负面清单，完成后参加测试。",
            deadline=today - timedelta(days=10),
            pass_mark=60,
            attempts_allowed=3,
            time_limit=20,
            draw_single=3,
            draw_multiple=2,
            draw_judge=2,
            post_ids=posts,
        ),
        services.course_create(
            actor=officer,
            title="整治形式主义为基层减负",
            description="学习为基层减负的有关要求，对照检查填报工作中的形式主义问题。",
            deadline=today + timedelta(days=20),
            pass_mark=80,
            attempts_allowed=2,
            time_limit=15,
            draw_single=2,
            draw_multiple=2,
            draw_judge=1,
            post_ids=posts,
        ),
    ]
    for course in courses:
        services.material_add(
            actor=officer, course=course, kind="link", title="工作规范全文", url="https://www.gov.cn/zhengce/"
        )
        services.material_add(
            actor=officer, course=course, kind="video", title="专题辅导视频", url="https://www.12371.cn/"
        )
        services.questions_import(
            actor=officer,
            course=course,
            rows=[
                {"code": str(i + 1), "kind": k, "text": t, "options": o, "answer": a}
                for i, (k, t, o, a) in enumerate(QUESTIONS)
            ],
        )
    holders = list(
        Membership.objects.current()
        .filter(post_id__in=posts, person__user__isnull=False)
        .select_related("person__user")
        .order_by("post__unit__path", "person_id")
    )
    rng = builder.rng
    answers_of = {q.pk: q.answer for q in Question.objects.filter(course__in=courses)}
    now = timezone.make_aware(datetime.combine(today, time(10)))
    for course in courses:
        for m in holders:
            roll = rng.random()
            if roll < 0.35:
                continue  # not started
            started = now - timedelta(
                days=rng.randint(12, 30) if course.deadline < today else rng.randint(0, 5)
            )
            a = services.attempt_start(actor=m.person.user, course=course, now=started, rng=rng)
            good = roll > 0.5
            answers = {
                str(i): (answers_of[int(i)] if good or rng.random() < 0.4 else [0, 1]) for i in a.question_ids
            }
            services.attempt_submit(
                actor=m.person.user,
                attempt=a,
                answers=answers,
                now=started + timedelta(minutes=rng.randint(3, 12)),
            )
    builder.counts["learning_courses"] = len(courses)
    builder.counts["learning_attempts"] = Attempt.objects.filter(course__in=courses).count()
