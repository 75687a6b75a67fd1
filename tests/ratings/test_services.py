"""Ratings services: creating rounds (bad input refused), importing raters (all or nothing),
token links, submitting a ballot (once; refusals recorded; nothing half-written), closing."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField, LuoshiError, NotAllowed
from luoshi.notify.models import Outbox
from luoshi.ratings import importer, rules, selectors, services
from luoshi.ratings.models import (
    Answer,
    Ballot,
    BallotRefusal,
    Panel,
    Rater,
    RatingRound,
    RoundState,
    token_digest,
)
from tests.factories import Personas

from .conftest import enterprises, full_answers, make_round, opened, xlsx


def test_round_create_writes_items_scale_and_audit(p: Personas) -> None:
    rnd = make_round(p, scale=rules.TEN_POINTS, veto_percent=Decimal("25"))
    assert list(rnd.items.values_list("text", flat=True)) == ["服务态度", "办事效率"]
    assert rnd.options == rules.TEN_POINTS
    assert rnd.state == RoundState.DRAFT
    assert Entry.objects.filter(action="ratings.round.created", object_id=str(rnd.pk)).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"items": []}, "items"),
        ({"items": ["a", "a"]}, "items"),
        ({"rated_units": []}, "rated_units"),
        ({"minimum_responses": 0}, "minimum_responses"),
        ({"veto_percent": Decimal("100.01")}, "veto_percent"),
        ({"veto_percent": Decimal("-1")}, "veto_percent"),
        ({"scale": (rules.Option("满意", Decimal(1)),)}, "scale"),
        ({"kind": "weekly"}, "kind"),
    ],
)
def test_round_create_refuses_bad_input(p: Personas, change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidField) as err:
        make_round(p, **change)
    assert err.value.field == field
    assert not RatingRound.objects.exists()


def test_round_create_refuses_closing_before_opening(p: Personas) -> None:
    now = timezone.now()
    with pytest.raises(InvalidField) as err:
        make_round(p, opens=now, closes=now)
    assert err.value.field == "closes"


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "auditor"])
def test_only_the_office_creates_rounds(p: Personas, who: str) -> None:
    with pytest.raises(NotAllowed):
        services.round_create(
            actor=getattr(p, who),
            name="x",
            opens=timezone.now(),
            closes=timezone.now() + timezone.timedelta(days=1),
            items=["a"],
            rated_units=[p.unit_a],
        )


def test_import_creates_raters_panels_ballots_and_is_idempotent(p: Personas, rnd: RatingRound) -> None:
    data = xlsx(
        [
            ("企业评议组", "甲企业", "企业", "张三"),
            ("社区评议组", "东湖社区", "社区", "李四"),
        ]
    )
    ballots = importer.raters_import(actor=p.officer, round=rnd, data=data, filename="a.xlsx")
    assert len(ballots) == 2
    assert sorted(Panel.objects.filter(round=rnd).values_list("name", flat=True)) == [
        "企业评议组",
        "社区评议组",
    ]
    # again, with an edited contact: no new ballot, the rater updated
    data2 = xlsx(
        [("企业评议组", "甲企业", "企业", "张三 13800000000"), ("社区评议组", "东湖社区", "社区", "李四")]
    )
    assert importer.raters_import(actor=p.officer, round=rnd, data=data2, filename="a.xlsx") == []
    assert Ballot.objects.filter(round=rnd).count() == 2
    assert Rater.objects.get(name="甲企业").contact == "张三 13800000000"


def test_import_refuses_every_bad_row_and_writes_nothing(p: Personas, rnd: RatingRound) -> None:
    data = xlsx(
        [
            ("企业评议组", "甲企业", "企业", "张三", "区发展和改革局", ""),
            ("企业评议组", "", "企业", "", "", ""),
            ("企业评议组", "乙企业", "合作社", "", "", ""),
            ("企业评议组", "丙企业", "企业", "", "不存在的局", ""),
            ("企业评议组", "丁企业", "企业", "", "", "nobody"),
            ("企业评议组", "甲企业", "企业", "", "", ""),
        ],
        header=("评议组", "名称", "类别", "联系人", "对应单位", "账号"),
    )
    parsed = importer.preview(round=rnd, data=data, filename="a.xlsx")
    assert [(e.row, e.column) for e in parsed.errors] == [
        (4, "名称"),
        (5, "类别"),
        (6, "对应单位"),
        (7, "账号"),
        (8, "名称"),
    ]
    with pytest.raises(LuoshiError) as err:
        importer.raters_import(actor=p.officer, round=rnd, data=data, filename="a.xlsx")
    assert "第 4 行「名称」" in err.value.message
    assert not Rater.objects.exists() and not Panel.objects.exists() and not Ballot.objects.exists()


def test_import_links_unit_and_user(p: Personas, rnd: RatingRound) -> None:
    data = xlsx(
        [("部门评议组", "区发展和改革局", "部门", "", "发改局", "reporter_a")],
        header=("评议组", "名称", "类别", "联系人", "对应单位", "账号"),
    )
    importer.raters_import(actor=p.officer, round=rnd, data=data, filename="a.xlsx")
    rater = Rater.objects.get()
    assert rater.unit == p.unit_a and rater.user == p.reporter_a


def test_a_rater_is_in_one_panel_of_a_round(p: Personas, rnd: RatingRound) -> None:
    importer.raters_import(
        actor=p.officer, round=rnd, data=xlsx([("A组", "甲企业", "企业", "")]), filename="a.xlsx"
    )
    parsed = importer.preview(round=rnd, data=xlsx([("B组", "甲企业", "企业", "")]), filename="a.xlsx")
    assert parsed.errors and parsed.errors[0].column == "评议组"


def test_tokens_are_stored_hashed_and_reissue_invalidates(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd, raters=3)
    ballot_id, token = next(iter(tokens.items()))
    ballot = Ballot.objects.get(pk=ballot_id)
    assert ballot.token_hash == token_digest(token) and token not in ballot.token_hash
    assert len(token) >= 32
    again = services.tokens_issue(actor=p.officer, round=rnd, ballot_ids=[ballot_id])
    assert len(again) == 1 and again[0].token != token
    with pytest.raises(LuoshiError) as err:
        services.ballot_open(token=token)
    assert err.value.code == "unknown"
    assert services.ballot_open(token=again[0].token).pk == ballot_id


def test_tokens_notify_raters_with_an_account(
    p: Personas, rnd: RatingRound, django_capture_on_commit_callbacks: Any
) -> None:
    data = xlsx(
        [
            ("社区评议组", "东湖社区", "社区", "", "", "reporter_b"),
            ("社区评议组", "西湖社区", "社区", "", "", ""),
        ],
        header=("评议组", "名称", "类别", "联系人", "对应单位", "账号"),
    )
    importer.raters_import(actor=p.officer, round=rnd, data=data, filename="a.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.tokens_issue(
            actor=p.officer, round=rnd, link_base="https://luoshi.example/ratings/b/", notify_users=True
        )
    rows = list(Outbox.objects.all())
    assert [r.recipient_id for r in rows] == [p.reporter_b.pk]
    token = next(i.token for i in issued if i.ballot.rater.name == "东湖社区")
    assert f"https://luoshi.example/ratings/b/{token}/" in rows[0].payload["text"]


def test_submit_once_then_refused_and_recorded(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd)
    ballot_id, token = next(iter(tokens.items()))
    ballot = Ballot.objects.get(pk=ballot_id)
    services.ballot_submit(token=token, answers=full_answers(ballot, 1))
    assert Answer.objects.filter(ballot=ballot).count() == 4  # 2 units × 2 items
    assert Answer.objects.filter(ballot=ballot, points=Decimal(80)).count() == 4
    with pytest.raises(LuoshiError) as err:
        services.ballot_submit(token=token, answers=full_answers(ballot, 0))
    assert err.value.code == "used"
    assert Answer.objects.filter(ballot=ballot).count() == 4
    refusal = BallotRefusal.objects.get()
    assert (refusal.reason, refusal.ballot_id) == ("used", ballot_id)
    assert Entry.objects.filter(action="ratings.ballot.refused").count() == 1
    entry = Entry.objects.get(action="ratings.ballot.submitted")
    assert "测试企业" not in str(entry.data) and entry.actor is None


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        (lambda full: {**full, next(iter(full)): 3}, "out_of_scale"),
        (lambda full: {**full, next(iter(full)): "-1"}, "out_of_scale"),
        (lambda full: {**full, (999999, 1): 0}, "out_of_scale"),
        (lambda full: dict(list(full.items())[1:]), "incomplete"),
        (lambda full: {**full, next(iter(full)): ""}, "incomplete"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_written(
    p: Personas, rnd: RatingRound, answers: Any, code: str
) -> None:
    tokens = opened(p, rnd)
    ballot_id, token = next(iter(tokens.items()))
    ballot = Ballot.objects.get(pk=ballot_id)
    with pytest.raises(LuoshiError) as err:
        services.ballot_submit(token=token, answers=answers(full_answers(ballot)))
    assert err.value.code == code
    assert not Answer.objects.exists()
    assert Ballot.objects.get(pk=ballot_id).submitted_at is None
    assert BallotRefusal.objects.get().reason == code
    # the ballot can still be submitted properly
    services.ballot_submit(token=token, answers=full_answers(ballot))


def test_expired_closed_and_not_open_rounds_refuse(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd)
    ballot_id, token = next(iter(tokens.items()))
    ballot = Ballot.objects.get(pk=ballot_id)
    for now, code in [(rnd.closes, "closed"), (rnd.opens - timezone.timedelta(seconds=1), "not_open")]:
        with pytest.raises(LuoshiError) as err:
            services.ballot_submit(token=token, answers=full_answers(ballot), now=now)
        assert err.value.code == code
    services.round_close(actor=p.officer, round=rnd)
    with pytest.raises(LuoshiError) as err:
        services.ballot_submit(token=token, answers=full_answers(ballot))
    assert err.value.code == "closed"
    with pytest.raises(LuoshiError) as err:
        services.tokens_issue(actor=p.officer, round=rnd)
    assert list(BallotRefusal.objects.order_by("pk").values_list("reason", flat=True)) == [
        "closed",
        "not_open",
        "closed",
    ]
    assert not Answer.objects.exists()


def test_a_draft_round_refuses_ballots_and_opens_only_with_raters(p: Personas, rnd: RatingRound) -> None:
    with pytest.raises(LuoshiError):
        services.round_open(actor=p.officer, round=rnd)
    importer.raters_import(actor=p.officer, round=rnd, data=enterprises(1), filename="a.xlsx")
    (issued,) = services.tokens_issue(actor=p.officer, round=rnd)
    with pytest.raises(LuoshiError) as err:
        services.ballot_open(token=issued.token)
    assert err.value.code == "not_open"


def test_unknown_token_refused(p: Personas) -> None:
    for token in ["nope", "", "x" * 500]:
        with pytest.raises(LuoshiError) as err:
            services.ballot_open(token=token)
        assert err.value.code == "unknown"
    assert not BallotRefusal.objects.exists()  # anybody can send those: not a write each
    with pytest.raises(LuoshiError) as err:
        services.ballot_submit(token="nope", answers={})
    assert err.value.code == "unknown" and not BallotRefusal.objects.exists()
    assert not Entry.objects.filter(action="ratings.ballot.refused").exists()


def test_a_refused_visit_is_recorded_once_per_ballot_and_reason(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd, raters=1)
    ((bid, token),) = tokens.items()
    services.ballot_submit(token=token, answers=full_answers(Ballot.objects.get(pk=bid)))
    for _visit in range(3):
        with pytest.raises(LuoshiError):
            services.ballot_open(token=token)
    assert list(BallotRefusal.objects.values_list("ballot_id", "reason")) == [(bid, "used")]
    assert not Entry.objects.filter(action="ratings.ballot.refused").exists()


def test_two_way_panels_rate_their_own_units(p: Personas, rnd: RatingRound) -> None:
    """条块双向: a panel of departments rates the communities while enterprises rate departments."""
    from luoshi.org.models import UnitCategory
    from tests.factories import make_unit

    community = make_unit("东湖社区", parent=p.district, code="DHSQ", category=UnitCategory.COMMUNITY)
    services.panel_create(actor=p.officer, round=rnd, name="部门评社区", rated_units=[community])
    data = xlsx([("部门评社区", "区财政局", "部门", ""), ("企业评议组", "甲企业", "企业", "")])
    importer.raters_import(actor=p.officer, round=rnd, data=data, filename="a.xlsx")
    services.round_open(actor=p.officer, round=rnd)
    for issued in services.tokens_issue(actor=p.officer, round=rnd):
        services.ballot_submit(token=issued.token, answers=full_answers(issued.ballot))
    results = selectors.round_results(rnd)
    assert sorted((u.panel, u.unit) for u in results.units) == [
        ("企业评议组", "区发展和改革局"),
        ("企业评议组", "区财政局"),
        ("部门评社区", "东湖社区"),
    ]


def test_results_trimmed_minimum_and_veto(p: Personas) -> None:
    rnd = make_round(p, minimum_responses=4, veto_percent=Decimal("30"), items=["服务态度"])
    tokens = opened(p, rnd, raters=5)
    choices = [0, 0, 1, 2, 2]  # 100, 100, 80, 0, 0 for unit A; unit B always 满意
    for (ballot_id, token), choice in zip(tokens.items(), choices, strict=True):
        ballot = Ballot.objects.get(pk=ballot_id)
        answers = {(p.unit_a.pk, k[1]): choice for k in full_answers(ballot) if k[0] == p.unit_a.pk}
        answers |= {k: 0 for k in full_answers(ballot) if k[0] == p.unit_b.pk}
        services.ballot_submit(token=token, answers=answers)
    results = {u.unit_id: u for u in selectors.round_results(rnd).units}
    a, b = results[p.unit_a.pk], results[p.unit_b.pk]
    assert a.ballots == 5 and a.score == Decimal("60.00")  # (100 + 80 + 0) / 3
    assert a.unsatisfied_percent == Decimal("40.00") and a.veto
    assert b.score == Decimal("100.00") and not b.veto
    services.round_close(actor=p.officer, round=rnd)
    # the same round with a minimum of 6: 样本不足
    RatingRound.objects.filter(pk=rnd.pk).update(minimum_responses=6)
    rnd.refresh_from_db()
    a6 = {u.unit_id: u for u in selectors.round_results(rnd).units}[p.unit_a.pk]
    assert a6.insufficient and a6.score is None and not a6.veto and a6.items[0].score is None


def test_response_rates_and_pending(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd, raters=4)
    (bid, token), *_rest = tokens.items()
    services.ballot_submit(token=token, answers=full_answers(Ballot.objects.get(pk=bid)))
    (panel,) = selectors.response_rates([rnd])[rnd.pk]
    assert (panel.ballots, panel.answered, panel.issued, panel.rate) == (4, 1, 4, Decimal("25.00"))
    assert [b.pk for b in selectors.pending_ballots(rnd)] == sorted(
        set(tokens) - {bid}, key=lambda x: Ballot.objects.get(pk=x).rater.name
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_token_at_once_exactly_one_wins() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    p = Personas()
    rnd = make_round(p)
    tokens = opened(p, rnd, raters=2)
    ballot_id, token = next(iter(tokens.items()))
    answers = full_answers(Ballot.objects.get(pk=ballot_id))
    for _round in range(5):
        Answer.objects.all().delete()
        Ballot.objects.filter(pk=ballot_id).update(submitted_at=None)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def submit(barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes) -> None:
            barrier.wait()
            try:
                services.ballot_submit(token=token, answers=answers)
                outcomes.append("won")
            except LuoshiError as exc:
                outcomes.append(str(exc.code))
            finally:
                connection.close()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["used", "won"]
        assert Answer.objects.filter(ballot_id=ballot_id).count() == len(answers)
