"""Rectification's services: who may do what, what is refused, what each write leaves behind."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField, LuoshiError, NotAllowed
from luoshi.rectification import rules
from luoshi.rectification.models import Approval, Measure, Problem, Reopen, Round, SignOff, SignOffEvidence
from luoshi.rectification.services import (
    NewProblem,
    problem_reopen,
    problems_create,
    round_create,
    signoff_approve,
    signoff_reject,
    signoff_submit,
)
from luoshi.work.models import Source, Status, Task
from tests.factories import Personas, evidence

from .conftest import close_measures, make_problem, make_round


def _actions(obj: object) -> list[str]:
    return list(Entry.objects.filter(object_id=str(obj.pk)).order_by("pk").values_list("action", flat=True))  # type: ignore[attr-defined]


def test_round_create_makes_its_plan_and_is_audited(p: Personas) -> None:
    rnd = make_round(p)
    assert rnd.plan.name == "区委第二轮巡察整改"
    assert set(rnd.scope_units.all()) == {p.unit_a, p.unit_b}
    assert Entry.objects.filter(action="rectification.round.created", object_id=str(rnd.pk)).count() == 1


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader"])
def test_round_create_is_for_the_office(p: Personas, who: str) -> None:
    with pytest.raises(NotAllowed):
        make_round_as(p, getattr(p, who))
    assert not Round.objects.exists()


def make_round_as(p: Personas, actor: object) -> Round:
    return round_create(
        actor=actor,
        kind="audit",
        name="审计",
        body="区审计局",
        start=date(2024, 1, 1),
        end=date(2024, 2, 1),
        due=date(2024, 12, 31),
    )


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": "party"}, "kind"),
        ({"end": date(2023, 12, 1)}, "end"),
        ({"due": date(2024, 1, 15)}, "due"),
    ],
)
def test_round_create_refuses_bad_values(p: Personas, kw: dict[str, object], field: str) -> None:
    values: dict[str, object] = dict(
        actor=p.officer,
        kind="audit",
        name="审计",
        body="区审计局",
        start=date(2024, 1, 1),
        end=date(2024, 2, 1),
        due=date(2024, 12, 31),
    )
    with pytest.raises(InvalidField) as exc:
        round_create(**(values | kw))  # type: ignore[arg-type]
    assert exc.value.field == field
    assert not Round.objects.exists()


def test_problem_create_makes_measures_as_tasks(p: Personas, rnd: Round) -> None:
    problem = make_problem(
        p, rnd, "3", measures=[("建立报销审核制度", None), ("清退违规资金", date(2024, 6, 30))]
    )
    tasks = Task.objects.filter(pk__in=problem.measures.values("task_id")).order_by("sort_path")
    assert [(t.code, t.title, t.due, t.lead_unit_id, t.source, t.plan_id) for t in tasks] == [
        ("3.1", "建立报销审核制度", date(2024, 8, 31), p.unit_a.pk, Source.RECTIFICATION, rnd.plan_id),
        ("3.2", "清退违规资金", date(2024, 6, 30), p.unit_a.pk, Source.RECTIFICATION, rnd.plan_id),
    ]
    assert all(t.responsible_leader_id == p.leader.person.pk for t in tasks)
    assert problem.stage == rules.Stage.OPEN
    assert (
        Entry.objects.filter(action="rectification.problem.created", object_id=str(problem.pk)).count() == 1
    )
    assert Entry.objects.filter(action="work.task.bulk_created").count() == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": "  "}, "text"),
        ({"number": ""}, "number"),
        ({"number": "1"}, "number"),  # taken by the fixture's problem
        ({"kind": "long_term"}, "mechanism"),  # long-term without its mechanism
        ({"measures": []}, "measures"),
        ({"measures": [(" ", None)]}, "measures"),
        ({"money_involved": Decimal("-1")}, "money_involved"),
    ],
)
def test_problem_create_refuses_and_writes_nothing(
    p: Personas, rnd: Round, problem: Problem, kw: dict[str, object], field: str
) -> None:
    tasks, problems = Task.objects.count(), Problem.objects.count()
    with pytest.raises(InvalidField) as exc:
        make_problem(p, rnd, kw.pop("number", "2"), **kw)  # type: ignore[arg-type]
    assert exc.value.field == field
    assert (Task.objects.count(), Problem.objects.count()) == (tasks, problems)


def test_long_term_problem_keeps_its_mechanism(p: Personas, rnd: Round) -> None:
    problem = make_problem(p, rnd, "2", kind="long_term", mechanism="每季度开展财务抽查")
    assert problem.mechanism == "每季度开展财务抽查"


def test_problems_create_is_all_or_nothing(p: Personas, rnd: Round) -> None:
    good = NewProblem(
        number="1", text="甲", responsible_unit=p.unit_a, deadline=date(2024, 9, 1), measures=[("措施", None)]
    )
    bad = NewProblem(
        number="2", text="", responsible_unit=p.unit_b, deadline=date(2024, 9, 1), measures=[("措施", None)]
    )
    with pytest.raises(InvalidField):
        problems_create(actor=p.officer, round=rnd, rows=[good, bad])
    assert not Problem.objects.exists() and not Measure.objects.exists()
    made = problems_create(
        actor=p.officer, round=rnd, rows=[good, NewProblem(**{**bad.__dict__, "text": "乙"})]
    )
    assert [m.number for m in made] == ["1", "2"]
    assert Measure.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# Sign-off


def test_submit_needs_finished_measures_and_evidence(p: Personas, problem: Problem) -> None:
    with pytest.raises(LuoshiError) as exc:
        signoff_submit(actor=p.reporter_a, problem=problem, note="已整改", files=evidence())
    assert exc.value.code == "measures_open"
    close_measures(p, problem)
    with pytest.raises(LuoshiError) as exc:
        signoff_submit(actor=p.reporter_a, problem=problem, note="已整改", files=[])
    assert exc.value.code == "no_evidence"
    with pytest.raises(InvalidField):
        signoff_submit(actor=p.reporter_a, problem=problem, note=" ", files=evidence())
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("who", ["reporter_b", "leader", "officer", "auditor"])
def test_submit_is_for_the_responsible_unit(p: Personas, problem: Problem, who: str) -> None:
    close_measures(p, problem)
    with pytest.raises(NotAllowed):
        signoff_submit(actor=getattr(p, who), problem=problem, note="已整改", files=evidence())


def test_refused_upload_leaves_nothing(p: Personas, problem: Problem) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    close_measures(p, problem)
    page = SimpleUploadedFile("说明.pdf", b"<html><script>x</script></html>", content_type="application/pdf")
    with pytest.raises(InvalidField):
        signoff_submit(actor=p.reporter_a, problem=problem, note="已整改", files=[*evidence(), page])
    assert not SignOff.objects.exists() and not SignOffEvidence.objects.exists()


def _submitted(p: Personas, problem: Problem) -> SignOff:
    close_measures(p, problem)
    return signoff_submit(actor=p.reporter_a, problem=problem, note="已制定制度并清退资金", files=evidence())


def test_the_whole_chain_signs_the_problem_off(p: Personas, problem: Problem) -> None:
    signoff = _submitted(p, problem)
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.UNIT_HEAD
    assert signoff.evidence.count() == 1
    signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head")
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.LEADER
    signoff_approve(actor=p.leader, signoff=signoff, step="leader", note="同意")
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.OFFICE
    signoff_approve(actor=p.officer, signoff=signoff, step="office")
    problem.refresh_from_db()
    signoff.refresh_from_db()
    assert problem.stage == rules.Stage.DONE
    assert signoff.state == "approved"
    assert list(signoff.approvals.values_list("step", "actor__username")) == [
        ("unit_head", "head_a"),
        ("leader", "leader"),
        ("office", "officer"),
    ]
    assert _actions(problem)[-4:] == [
        "rectification.signoff.submitted",
        "rectification.signoff.approved",
        "rectification.signoff.approved",
        "rectification.signoff.approved",
    ]


def test_out_of_order_is_refused(p: Personas, problem: Problem) -> None:
    signoff = _submitted(p, problem)
    for actor, step in [(p.officer, "office"), (p.leader, "leader")]:
        with pytest.raises(LuoshiError) as exc:
            signoff_approve(actor=actor, signoff=signoff, step=step)
        assert exc.value.code == "out_of_order"
    signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head")
    with pytest.raises(LuoshiError) as exc:
        signoff_approve(actor=p.officer, signoff=signoff, step="office")
    assert exc.value.code == "out_of_order"
    assert Approval.objects.count() == 1


def test_the_applicant_may_not_approve(p: Personas, problem: Problem) -> None:
    close_measures(p, problem)
    signoff = signoff_submit(actor=p.head_a, problem=problem, note="已整改", files=evidence())
    with pytest.raises(LuoshiError) as exc:
        signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head")
    assert exc.value.code == "same_person"
    assert not Approval.objects.exists()


@pytest.mark.parametrize(
    ("who", "step"), [("reporter_a", "unit_head"), ("reporter_b", "unit_head"), ("leader", "unit_head")]
)
def test_a_step_needs_its_duty(p: Personas, problem: Problem, who: str, step: str) -> None:
    signoff = _submitted(p, problem)
    with pytest.raises(NotAllowed):
        signoff_approve(actor=getattr(p, who), signoff=signoff, step=step)


def test_another_leader_may_not_sign_for_the_lead_leader(p: Personas, problem: Problem) -> None:
    from tests.factories import make_user

    other = make_user("leader2", unit=p.district, role="leader", name="李副区长")
    signoff = _submitted(p, problem)
    signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head")
    with pytest.raises(NotAllowed):
        signoff_approve(actor=other, signoff=signoff, step="leader")


def test_without_a_lead_leader_the_office_follows_the_head(p: Personas, rnd: Round) -> None:
    problem = make_problem(p, rnd, "5", responsible_leader=None)
    signoff = _submitted(p, problem)
    signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head")
    signoff_approve(actor=p.officer, signoff=signoff, step="office")
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.DONE


def test_reject_reopens_for_a_new_application(p: Personas, problem: Problem) -> None:
    signoff = _submitted(p, problem)
    signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head")
    with pytest.raises(InvalidField):
        signoff_reject(actor=p.leader, signoff=signoff, step="leader", note="")
    signoff_reject(actor=p.leader, signoff=signoff, step="leader", note="佐证材料不全")
    problem.refresh_from_db()
    signoff.refresh_from_db()
    assert (problem.stage, signoff.state) == (rules.Stage.OPEN, "rejected")
    with pytest.raises(LuoshiError) as exc:
        signoff_approve(actor=p.officer, signoff=signoff, step="leader")
    assert exc.value.code in {"not_pending", "out_of_order"}
    again = signoff_submit(actor=p.reporter_a, problem=problem, note="补充材料", files=evidence())
    assert again.pk != signoff.pk
    assert "rectification.signoff.rejected" in _actions(problem)


def test_reopen_after_reinspection(p: Personas, problem: Problem) -> None:
    signoff = _submitted(p, problem)
    with pytest.raises(LuoshiError):  # not signed off yet
        problem_reopen(
            actor=p.officer, problem=problem, reason="回头看", deadline=date(2099, 1, 1), measure="再整改"
        )
    for actor, step in [(p.head_a, "unit_head"), (p.leader, "leader"), (p.officer, "office")]:
        signoff_approve(actor=actor, signoff=signoff, step=step)
    with pytest.raises(NotAllowed):
        problem_reopen(
            actor=p.head_a, problem=problem, reason="回头看", deadline=date(2099, 1, 1), measure="再整改"
        )
    with pytest.raises(InvalidField):
        problem_reopen(
            actor=p.officer, problem=problem, reason=" ", deadline=date(2099, 1, 1), measure="再整改"
        )
    with pytest.raises(InvalidField):
        problem_reopen(
            actor=p.officer,
            problem=problem,
            reason="回头看",
            deadline=timezone.localdate() - timedelta(days=1),
            measure="x",
        )
    reopen = problem_reopen(
        actor=p.officer,
        problem=problem,
        reason="回头看发现违规报销仍有发生",
        deadline=date(2099, 3, 31),
        measure="开展专项检查",
    )
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.OPEN
    assert problem.deadline == date(2099, 3, 31)
    assert reopen.old_deadline == date(2024, 8, 31)
    new = Task.objects.get(code="1.2", plan=problem.round.plan)
    assert (new.title, new.status, new.due) == ("开展专项检查", Status.IN_PROGRESS, date(2099, 3, 31))
    assert Reopen.objects.count() == 1
    assert _actions(problem)[-1] == "rectification.problem.reopened"
    with pytest.raises(LuoshiError) as exc:  # the new measure must be finished first
        signoff_submit(actor=p.reporter_a, problem=problem, note="再次申请", files=evidence())
    assert exc.value.code == "measures_open"
