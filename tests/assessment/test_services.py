"""Assessment services: schemes (validation, nothing written on refusal, edit with version check),
runs from frozen inputs (snapshot, reproducible, unchanged by later facts), publish, appeals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from luoshi.assessment import rules, services
from luoshi.assessment.models import (
    Appeal,
    AppealState,
    Event,
    Group,
    Indicator,
    Line,
    Result,
    Run,
    RunInput,
    RunState,
    Scheme,
)
from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.work.models import LateReport
from tests.assessment.conftest import make_scheme, scheme_data
from tests.factories import Personas

D = Decimal


def test_scheme_create_writes_groups_indicators_rules_and_audit(p: Personas) -> None:
    scheme = make_scheme(p)
    assert scheme.groups.count() == 1
    assert Indicator.objects.filter(group__scheme=scheme).count() == 3
    assert Indicator.objects.get(name="日常工作").deductions.count() == 2
    assert scheme.grades.count() == 3 and scheme.vetoes.count() == 1 and scheme.bonuses.count() == 1
    assert Entry.objects.filter(action="assessment.scheme.created").count() == 1


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (
            lambda d: d.groups[0].indicators.__setitem__(0, replace(d.groups[0].indicators[0], weight=D(30))),
            "groups",
            "应等于总分",
        ),
        (
            lambda d: d.groups[0].indicators.__setitem__(2, replace(d.groups[0].indicators[2], cap=D(-1))),
            "cap",
            "不能小于 0",
        ),
        (lambda d: d.grades.__setitem__(0, replace(d.grades[0], quota=D(120))), "grades", "0 到 100%"),
        (lambda d: setattr(d, "bonus_cap", D(-5)), "cap", "不能小于 0"),
        (
            lambda d: d.bonuses.__setitem__(0, replace(d.bonuses[0], kind="no.such.kind")),
            "groups",
            "未知的考核事项类型",
        ),
        (lambda d: setattr(d, "end", date(2023, 1, 1)), "end", "结束日期"),
        (lambda d: setattr(d, "base_score", D(120)), "base_score", "起评分"),
    ],
)
def test_bad_schemes_are_refused_and_nothing_is_written(p: Personas, mutate, field: str, words: str) -> None:  # type: ignore[no-untyped-def]
    data = scheme_data()
    mutate(data)
    with pytest.raises(InvalidField) as err:
        services.scheme_create(actor=p.officer, data=data)
    assert err.value.field == field
    assert words in err.value.message
    assert not Scheme.objects.exists() and not Group.objects.exists()
    assert not Entry.objects.filter(action__startswith="assessment.").exists()


def test_weights_message_names_the_group(p: Personas) -> None:
    data = scheme_data()
    data.groups[0].indicators[0].weight = D(30)
    with pytest.raises(InvalidField) as err:
        services.scheme_create(actor=p.officer, data=data)
    assert "区直部门" in err.value.message and "90" in err.value.message


def test_only_the_office_creates_schemes(p: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.scheme_create(actor=p.head_a, data=scheme_data())


def test_scheme_update_checks_the_version(p: Personas) -> None:
    scheme = make_scheme(p)
    data = services.scheme_data(scheme)
    data.bottom = 2
    services.scheme_update(actor=p.officer, scheme=scheme, version=1, data=data)
    scheme.refresh_from_db()
    assert scheme.version == 2 and scheme.bottom == 2
    assert Indicator.objects.filter(group__scheme=scheme).count() == 3
    with pytest.raises(Conflict):
        services.scheme_update(actor=p.officer2, scheme=scheme, version=1, data=data)


# -- runs ------------------------------------------------------------------------------------------


def _facts(p: Personas) -> None:
    """unit_a: two late reports (one missing), a complaint; unit_b: an award; office: a veto."""
    plan = p.plan()
    task = p.task(plan, unit=p.unit_a, title="区政府重点工作实施方案")
    LateReport.objects.create(
        task=task,
        unit=p.unit_a,
        period_end=date(2024, 6, 30),
        due_on=date(2024, 7, 5),
        detected_on=date(2024, 7, 6),
    )
    LateReport.objects.create(
        task=task,
        unit=p.unit_a,
        period_end=date(2024, 3, 31),
        due_on=date(2024, 4, 5),
        detected_on=date(2024, 4, 6),
    )
    services.event_record(
        actor=p.officer,
        unit=p.unit_a,
        kind="assessment.complaint",
        occurred_on=date(2024, 5, 1),
        text="群众投诉经核实",
    )
    services.event_record(
        actor=p.officer,
        unit=p.unit_b,
        kind="assessment.award",
        occurred_on=date(2024, 9, 1),
        text="获省级表彰",
    )
    services.event_record(
        actor=p.officer,
        unit=p.office,
        kind="assessment.veto",
        occurred_on=date(2024, 10, 1),
        text="发生较大安全生产事故",
    )


def _score_all(p: Personas, scheme: Scheme, scores: dict[int, list[int]]) -> None:
    from tests.factories import make_user

    ind = Indicator.objects.get(group__scheme=scheme, name="领导评价")
    assessors = [make_user(f"assessor{i}", unit=p.office, role="assessor") for i in range(3)]
    for unit_id, values in scores.items():
        from luoshi.org.models import Unit

        unit = Unit.objects.get(pk=unit_id)
        for who, value in zip(assessors, values, strict=False):
            services.score_record(actor=who, indicator=ind, unit=unit, score=D(value))


def test_run_snapshots_computes_and_reproduces(p: Personas) -> None:
    scheme = make_scheme(p)
    _facts(p)
    _score_all(p, scheme, {p.unit_a.pk: [40, 36, 30], p.unit_b.pk: [38, 38, 38], p.office.pk: [40, 40, 40]})
    run = services.run_create(actor=p.officer, scheme=scheme, as_of=date(2024, 12, 31))
    assert run.number == 1 and len(run.content_hash) == 64
    res = {r.unit_id: r for r in Result.objects.filter(run=run)}
    # unit_a: manual trimmed (36) + task: 1 task due 2024-12-31 not closed → 0/1 = 0
    #   + deduction 30 − 10 − 10 − 5 = 5 → 41
    assert res[p.unit_a.pk].score == D(41)
    # unit_b: 38 + 30 (no task) + 30 + 2 (award) = 100
    assert res[p.unit_b.pk].score == D(100)
    # office: 40 + 30 + 30 = 100, vetoed → lowest grade, ranked last
    assert res[p.office.pk].veto and res[p.office.pk].grade == "一般" and res[p.office.pk].rank == 3
    assert res[p.unit_b.pk].rank == 1
    assert res[p.unit_a.pk].bottom is False and res[p.office.pk].bottom is True
    # Breakdown lines sum to the score and link to their facts.
    lines = list(Line.objects.filter(run=run, unit=p.unit_a).order_by("position"))
    assert sum(ln.points for ln in lines) == res[p.unit_a.pk].score
    late = [ln for ln in lines if "未报" in ln.reason]
    assert late and late[0].link.startswith("/work/tasks/")
    assert any("报告应于7月5日提交" in ln.reason and ln.reason.startswith("-10: ") for ln in lines)
    # Re-computing from the frozen inputs gives identical numbers, to the last digit.
    again = {r.unit_id: r for r in services.recompute(run)}
    for unit_id, stored in res.items():
        assert again[unit_id].score == stored.score
        assert again[unit_id].grade == stored.grade and again[unit_id].rank == stored.rank
        stored_lines = list(Line.objects.filter(run=run, unit_id=unit_id).order_by("position"))
        assert [(ln.points, ln.reason) for ln in stored_lines] == [
            (x.points, x.reason[:600]) for x in again[unit_id].lines
        ]
    spec, _members, facts = services.frozen(run)
    assert rules.content_hash(run.spec, facts) == run.content_hash


def test_changing_a_fact_after_the_run_does_not_change_it(p: Personas) -> None:
    scheme = make_scheme(p)
    _facts(p)
    run = services.run_create(actor=p.officer, scheme=scheme, as_of=date(2024, 12, 31))
    before = {r.unit_id: r.score for r in Result.objects.filter(run=run)}
    inputs = RunInput.objects.filter(run=run).count()
    # Facts change afterwards: the complaint is withdrawn, a new late report, the scheme edited.
    Event.objects.filter(kind="assessment.complaint").delete()
    LateReport.objects.filter(unit=p.unit_a).update(due_on=date(2024, 8, 5))
    data = services.scheme_data(scheme)
    data.groups[0].indicators[2].deductions[0].points = D(1)
    services.scheme_update(actor=p.officer, scheme=scheme, version=1, data=data)
    again = {r.unit_id: r.score for r in services.recompute(run)}
    assert again == before
    assert RunInput.objects.filter(run=run).count() == inputs
    # A new run sees the new facts.
    run2 = services.run_create(actor=p.officer, scheme=scheme, as_of=date(2024, 12, 31))
    assert run2.number == 2
    assert Result.objects.get(run=run2, unit=p.unit_a).score != before[p.unit_a.pk]


def test_run_refusals(p: Personas) -> None:
    scheme = make_scheme(p)
    with pytest.raises(NotAllowed):
        services.run_create(actor=p.head_a, scheme=scheme, as_of=date(2024, 12, 31))
    with pytest.raises(InvalidField):
        services.run_create(actor=p.officer, scheme=scheme, as_of=date(2023, 12, 31))
    assert not Run.objects.exists()


def test_score_record_refuses_out_of_scale_and_non_assessors(p: Personas) -> None:
    scheme = make_scheme(p)
    ind = Indicator.objects.get(group__scheme=scheme, name="领导评价")
    with pytest.raises(InvalidField):
        services.score_record(actor=p.officer, indicator=ind, unit=p.unit_a, score=D(41))
    with pytest.raises(NotAllowed):
        services.score_record(actor=p.reporter_a, indicator=ind, unit=p.unit_a, score=D(10))
    services.score_record(actor=p.officer, indicator=ind, unit=p.unit_a, score=D(10))
    services.score_record(actor=p.officer, indicator=ind, unit=p.unit_a, score=D(12))
    assert ind.scores.get().score == D(12)


# -- publish and appeals ---------------------------------------------------------------------------


def _published(p: Personas) -> Run:
    scheme = make_scheme(p)
    _facts(p)
    run = services.run_create(actor=p.officer, scheme=scheme, as_of=date(2024, 12, 31))
    return services.run_publish(
        actor=p.officer, run=run, appeal_until=timezone.localdate() + timedelta(days=7)
    )


def test_appeal_accepted_makes_a_new_version_with_the_difference(p: Personas) -> None:
    run = _published(p)
    assert run.state == RunState.PUBLISHED
    appeal = services.appeal_file(actor=p.head_a, run=run, unit=p.unit_a, text="一季度报告已按时报送纸质件")
    wrong = RunInput.objects.get(run=run, unit=p.unit_a, kind="work.late_report", text__contains="2024-03")
    services.appeal_decide(
        actor=p.officer, appeal=appeal, accept=True, reason="核实纸质件已按时报送", remove=[wrong.pk]
    )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ACCEPTED and appeal.new_run is not None
    new = appeal.new_run
    assert new.number == 2 and new.previous_id == run.pk and new.content_hash != run.content_hash
    old_score = Result.objects.get(run=run, unit=p.unit_a).score
    new_score = Result.objects.get(run=new, unit=p.unit_a).score
    assert new_score - old_score == D(10)
    from luoshi.assessment import selectors

    moves = {m.unit_id: m for m in selectors.diff(run, new)}
    assert moves[p.unit_a.pk].delta == D(10) and moves[p.unit_b.pk].delta == 0
    # The new version reproduces from its own frozen copy.
    assert {r.unit_id: r.score for r in services.recompute(new)} == {
        r.unit_id: r.score for r in Result.objects.filter(run=new)
    }
    assert Entry.objects.filter(action="assessment.appeal.decided").count() == 1
    with pytest.raises(Conflict):
        services.appeal_decide(actor=p.officer, appeal=appeal, accept=False, reason="again")


def test_appeal_rejected_is_recorded(p: Personas) -> None:
    run = _published(p)
    appeal = services.appeal_file(actor=p.reporter_a, run=run, unit=p.unit_a, text="扣分过重")
    services.appeal_decide(actor=p.officer, appeal=appeal, accept=False, reason="依规扣分")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REJECTED and appeal.reason == "依规扣分" and appeal.new_run is None
    assert Run.objects.count() == 1


def test_appeal_refusals(p: Personas) -> None:
    scheme = make_scheme(p)
    run = services.run_create(actor=p.officer, scheme=scheme, as_of=date(2024, 12, 31))
    with pytest.raises(LuoshiError, match="未公布"):
        services.appeal_file(actor=p.head_a, run=run, unit=p.unit_a, text="x")
    services.run_publish(actor=p.officer, run=run, appeal_until=timezone.localdate())
    run.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.appeal_file(actor=p.reporter_b, run=run, unit=p.unit_a, text="x")
    with pytest.raises(InvalidField):
        services.appeal_file(actor=p.head_a, run=run, unit=p.unit_a, text=" ")
    Run.objects.filter(pk=run.pk).update(appeal_until=timezone.localdate() - timedelta(days=1))
    run.refresh_from_db()
    with pytest.raises(LuoshiError, match="截止"):
        services.appeal_file(actor=p.head_a, run=run, unit=p.unit_a, text="x")
    assert not Appeal.objects.exists()


def test_accept_needs_corrections_of_the_latest_run(p: Personas) -> None:
    run = _published(p)
    appeal = services.appeal_file(actor=p.head_a, run=run, unit=p.unit_a, text="x")
    with pytest.raises(InvalidField):
        services.appeal_decide(actor=p.officer, appeal=appeal, accept=True, reason="r")
    with pytest.raises(InvalidField):
        services.appeal_decide(actor=p.officer, appeal=appeal, accept=True, reason="r", remove=[999999])
    with pytest.raises(InvalidField):
        some = RunInput.objects.filter(run=run).first()
        assert some is not None
        services.appeal_decide(
            actor=p.officer, appeal=appeal, accept=True, reason="r", values={some.pk: "abc"}
        )
    assert Run.objects.count() == 1
    assert Appeal.objects.get().state == AppealState.PENDING


def test_publish_supersedes_the_earlier_version(p: Personas) -> None:
    run = _published(p)
    run2 = services.run_create(actor=p.officer, scheme=run.scheme, as_of=date(2024, 12, 31))
    services.run_publish(actor=p.officer, run=run2, appeal_until=timezone.localdate())
    run.refresh_from_db()
    assert run.state == RunState.SUPERSEDED
    with pytest.raises(Conflict):
        services.run_publish(actor=p.officer, run=run2, appeal_until=timezone.localdate())
