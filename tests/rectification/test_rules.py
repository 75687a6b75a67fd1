"""Rectification's pure rules: the sign-off chain, problem state and the summary figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.rectification import rules
from luoshi.rectification.rules import Refusal, Row, Stage, State, Step

TODAY = date(2024, 6, 30)


def test_chain() -> None:
    assert rules.chain(has_leader=True) == (Step.UNIT_HEAD, Step.LEADER, Step.OFFICE)
    assert rules.chain(has_leader=False) == (Step.UNIT_HEAD, Step.OFFICE)


@pytest.mark.parametrize(
    ("has_leader", "approved", "expected"),
    [
        (True, [], Step.UNIT_HEAD),
        (True, ["unit_head"], Step.LEADER),
        (True, ["unit_head", "leader"], Step.OFFICE),
        (True, ["unit_head", "leader", "office"], None),
        (False, [], Step.UNIT_HEAD),
        (False, ["unit_head"], Step.OFFICE),
        (False, ["unit_head", "office"], None),
    ],
)
def test_next_step(has_leader: bool, approved: list[str], expected: Step | None) -> None:
    assert rules.next_step(has_leader=has_leader, approved=approved) == expected


@pytest.mark.parametrize(
    ("has_leader", "approved", "pending", "expected"),
    [
        (True, [], False, Stage.OPEN),
        (True, ["unit_head"], False, Stage.OPEN),
        (True, [], True, Stage.UNIT_HEAD),
        (True, ["unit_head"], True, Stage.LEADER),
        (True, ["unit_head", "leader"], True, Stage.OFFICE),
        (True, ["unit_head", "leader", "office"], True, Stage.DONE),
        (False, ["unit_head"], True, Stage.OFFICE),
        (False, ["unit_head", "office"], True, Stage.DONE),
    ],
)
def test_stage_for(has_leader: bool, approved: list[str], pending: bool, expected: Stage) -> None:
    assert rules.stage_for(has_leader=has_leader, approved=approved, pending=pending) == expected


@pytest.mark.parametrize(
    ("stage", "evidence", "open_measures", "expected"),
    [
        (Stage.OPEN, 1, 0, None),
        (Stage.OPEN, 3, 0, None),
        (Stage.OPEN, 0, 0, Refusal.NO_EVIDENCE),
        (Stage.OPEN, 1, 1, Refusal.MEASURES_OPEN),
        (Stage.OPEN, 0, 2, Refusal.MEASURES_OPEN),
        (Stage.UNIT_HEAD, 1, 0, Refusal.NOT_OPEN),
        (Stage.OFFICE, 1, 0, Refusal.NOT_OPEN),
        (Stage.DONE, 1, 0, Refusal.NOT_OPEN),
    ],
)
def test_submit_refusal(stage: str, evidence: int, open_measures: int, expected: Refusal | None) -> None:
    assert rules.submit_refusal(stage=stage, evidence=evidence, open_measures=open_measures) == expected


SUBMITTER, HEAD = 1, 2


@pytest.mark.parametrize(
    ("approved", "step", "pending", "evidence", "actor", "duty", "expected"),
    [
        ([], "unit_head", True, 1, HEAD, True, None),
        (["unit_head"], "leader", True, 1, HEAD, True, None),
        (["unit_head", "leader"], "office", True, 1, HEAD, True, None),
        ([], "leader", True, 1, HEAD, True, Refusal.OUT_OF_ORDER),  # skipping the unit head
        ([], "office", True, 1, HEAD, True, Refusal.OUT_OF_ORDER),
        (["unit_head"], "unit_head", True, 1, HEAD, True, Refusal.OUT_OF_ORDER),  # twice
        (["unit_head"], "office", True, 1, HEAD, True, Refusal.OUT_OF_ORDER),
        (["unit_head", "leader", "office"], "office", True, 1, HEAD, True, Refusal.OUT_OF_ORDER),
        ([], "unit_head", False, 1, HEAD, True, Refusal.NOT_PENDING),
        ([], "unit_head", True, 1, HEAD, False, Refusal.NOT_ALLOWED),
        ([], "unit_head", True, 1, SUBMITTER, True, Refusal.SAME_PERSON),  # a head who applied
        ([], "unit_head", True, 0, HEAD, True, Refusal.NO_EVIDENCE),
    ],
)
def test_approval_refusal(
    approved: list[str],
    step: str,
    pending: bool,
    evidence: int,
    actor: int,
    duty: bool,
    expected: Refusal | None,
) -> None:
    got = rules.approval_refusal(
        has_leader=True,
        approved=approved,
        step=step,
        pending=pending,
        evidence=evidence,
        submitter_id=SUBMITTER,
        actor_id=actor,
        holds_duty=duty,
    )
    assert got == expected


def test_approval_without_leader_goes_from_head_to_office() -> None:
    common = dict(pending=True, evidence=1, submitter_id=1, actor_id=2, holds_duty=True)
    assert rules.approval_refusal(has_leader=False, approved=["unit_head"], step="office", **common) is None  # type: ignore[arg-type]
    assert rules.approval_refusal(has_leader=False, approved=["unit_head"], step="leader", **common) == (  # type: ignore[arg-type]
        Refusal.OUT_OF_ORDER
    )


@pytest.mark.parametrize(
    ("stage", "deadline", "expected"),
    [
        (Stage.DONE, TODAY - timedelta(days=30), State.DONE),  # signed off late: done all the same
        (Stage.DONE, TODAY + timedelta(days=30), State.DONE),
        (Stage.OPEN, TODAY, State.IN_PROGRESS),  # the deadline day itself is still in time
        (Stage.OPEN, TODAY - timedelta(days=1), State.NOT_DONE),
        (Stage.OFFICE, TODAY - timedelta(days=1), State.NOT_DONE),  # waiting for the office, late
        (Stage.UNIT_HEAD, TODAY + timedelta(days=1), State.IN_PROGRESS),
    ],
)
def test_problem_state(stage: str, deadline: date, expected: State) -> None:
    assert rules.problem_state(stage=stage, deadline=deadline, today=TODAY) == expected


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        (0, 0, "0.00"),
        (0, 5, "0.00"),
        (5, 5, "100.00"),
        (688, 697, "98.71"),  # 昆明某区巡察整改
        (19, 25, "76.00"),
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (1, 8, "12.50"),
        (1, 800, "0.13"),  # 0.125 rounds half up
    ],
)
def test_rate(done: int, total: int, expected: str) -> None:
    assert rules.rate(done, total) == Decimal(expected)


def test_summarise_table() -> None:
    rows = [
        Row(Stage.DONE, TODAY - timedelta(days=3), Decimal("10.50"), Decimal("10.50")),
        Row(Stage.OPEN, TODAY - timedelta(days=1), Decimal("5"), Decimal("0")),
        Row(Stage.LEADER, TODAY, Decimal("0"), Decimal("1.25")),
        Row(Stage.OPEN, TODAY + timedelta(days=9)),
    ]
    s = rules.summarise(rows, today=TODAY)
    assert (s.total, s.done, s.in_progress, s.not_done) == (4, 1, 2, 1)
    assert s.money_involved == Decimal("15.50")
    assert s.money_recovered == Decimal("11.75")
    assert s.rate == Decimal("25.00")
    empty = rules.summarise([], today=TODAY)
    assert (empty.total, empty.rate, empty.money_involved) == (0, Decimal("0.00"), Decimal("0"))


stages = st.sampled_from(list(Stage))
days = st.integers(min_value=-400, max_value=400).map(lambda n: TODAY + timedelta(days=n))
money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
rows = st.lists(st.builds(Row, stages, days, money, money), max_size=40)


@given(rows)
def test_summary_parts_add_up(rows: list[Row]) -> None:
    s = rules.summarise(rows, today=TODAY)
    assert s.done + s.in_progress + s.not_done == s.total == len(rows)
    assert Decimal(0) <= s.rate <= Decimal(100)
    assert s.money_involved == sum((r.money_involved for r in rows), Decimal(0))
    assert s.money_recovered == sum((r.money_recovered for r in rows), Decimal(0))


@given(rows)
def test_summary_equals_naive_count(rows: list[Row]) -> None:
    s = rules.summarise(rows, today=TODAY)
    assert s.done == sum(1 for r in rows if r.stage == Stage.DONE)
    assert s.not_done == sum(1 for r in rows if r.stage != Stage.DONE and r.deadline < TODAY)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_rate_is_monotone_and_bounded(done: int, extra: int) -> None:
    total = done + extra
    r = rules.rate(done, total)
    assert Decimal(0) <= r <= Decimal(100)
    if total > 0 and extra == 0:
        assert r == 100
    if done == 0:
        assert r == 0
    assert rules.rate(min(done + 1, total), total) >= r


@given(st.booleans())
def test_walking_the_chain_in_order_ends_done(has_leader: bool) -> None:
    approved: list[str] = []
    while (step := rules.next_step(has_leader=has_leader, approved=approved)) is not None:
        for other in rules.chain(has_leader=has_leader):
            refusal = rules.approval_refusal(
                has_leader=has_leader,
                approved=approved,
                step=other,
                pending=True,
                evidence=1,
                submitter_id=1,
                actor_id=2,
                holds_duty=True,
            )
            assert (refusal is None) == (other == step)
        approved.append(step)
    assert approved == list(rules.chain(has_leader=has_leader))
    assert rules.stage_for(has_leader=has_leader, approved=approved, pending=True) == Stage.DONE
