"""Ratings' pages per persona, the office's flow through the pages (round, import with preview,
links, close, results and export), the rater's ballot by token, query counts."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from luoshi.ratings import services
from luoshi.ratings.models import Answer, Ballot, BallotRefusal, RatingRound
from tests.factories import Personas
from tests.helpers import client_for, exact_queries, personas

from .conftest import enterprises, full_answers, make_round, opened, xlsx

PAGES = ["ratings:rounds", "ratings:round", "ratings:results"]


def _url(name: str, rnd: RatingRound) -> str:
    return reverse(name) if name == "ratings:rounds" else reverse(name, args=[rnd.pk])


@pytest.mark.parametrize("who", personas())
@pytest.mark.parametrize("name", PAGES)
def test_office_pages_per_persona(p: Personas, rnd: RatingRound, who: str, name: str) -> None:
    opened(p, rnd, raters=2)
    response = client_for(getattr(p, who)).get(_url(name, rnd))
    if who == "anonymous":
        assert response.status_code == 302
    elif name == "ratings:results" and who != "auditor":
        assert response.status_code == 200  # every business persona sees a rated unit (below)
    else:
        assert response.status_code == (200 if who in ("officer", "officer2") else 403)


def test_results_show_others_the_units_they_see_as_their_breakdown_links_there(p: Personas) -> None:
    """A unit's assessment breakdown links its rating score to the results page: in an open round the
    unit reads its own rows there (not the other units'), a leader every row; a round still in preparation
    is not found, and a unit the round did not rate and the audit administrator are refused."""
    rnd = make_round(p, rated_units=[p.unit_a, p.office])
    url = reverse("ratings:results", args=[rnd.pk])
    assert client_for(p.reporter_a).get(url).status_code == 404  # in preparation: the office's only
    tokens = opened(p, rnd, raters=3)
    for bid, token in tokens.items():
        services.ballot_submit(token=token, answers=full_answers(Ballot.objects.get(pk=bid), 0))
    office = client_for(p.officer).get(url).content.decode()
    assert "区发展和改革局" in office and "区委督查室" in office
    for who in ("reporter_a", "head_a"):
        body = client_for(getattr(p, who)).get(url).content.decode()
        assert "区发展和改革局" in body and "区委督查室" not in body, who
        assert f'href="{reverse("ratings:round", args=[rnd.pk])}"' not in body  # the office's page, unlinked
    # a leader reads every unit's assessment breakdown, so every row of the round
    leader = client_for(p.leader).get(url).content.decode()
    assert "区发展和改革局" in leader and "区委督查室" in leader
    export = client_for(p.head_a).get(url + "?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))  # type: ignore[attr-defined]
    cells = {str(c.value) for row in book.active.iter_rows() for c in row}  # type: ignore[union-attr]
    assert "区发展和改革局" in cells and "区委督查室" not in cells
    for who in ("reporter_b", "auditor"):
        assert client_for(getattr(p, who)).get(url).status_code == 403, who
    # closed, the round's results are everyone's (a published assessment shows every unit's score)
    services.round_close(actor=p.officer, round=rnd)
    closed = client_for(p.reporter_b).get(url).content.decode()
    assert "区发展和改革局" in closed and "区委督查室" in closed
    assert client_for(p.auditor).get(url).status_code == 403


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader"])
def test_only_the_office_posts(p: Personas, rnd: RatingRound, who: str) -> None:
    c = client_for(getattr(p, who))
    for name in ["ratings:open", "ratings:close", "ratings:links", "ratings:panel_new", "ratings:import"]:
        assert c.post(reverse(name, args=[rnd.pk]), {"name": "x"}).status_code == 403
    assert RatingRound.objects.get().state == "draft"


def test_office_flow_through_the_pages(p: Personas) -> None:
    c = client_for(p.officer)
    response = c.post(
        reverse("ratings:round_new"),
        {
            "name": "2026年第三季度亮分评议",
            "kind": "quarterly",
            "period": "2026年第三季度",
            "opens": "2026-01-01T08:00",
            "closes": "2099-12-31T18:00",
            "scale": "satisfaction",
            "items": "服务态度\n办事效率",
            "minimum_responses": "2",
            "veto_percent": "30",
            "rated_units": [p.unit_a.pk, p.unit_b.pk],
        },
    )
    rnd = RatingRound.objects.get()
    assert response.status_code == 302 and response.url == reverse("ratings:round", args=[rnd.pk])
    # import: preview first, nothing written; then commit
    upload = SimpleUploadedFile("名单.xlsx", enterprises(3))
    preview = c.post(reverse("ratings:import", args=[rnd.pk]), {"file": upload})
    assert preview.status_code == 200 and "测试企业002有限公司" in preview.content.decode()
    assert not Ballot.objects.exists()
    token = re.search(r'name="token" value="([0-9a-f]{32}\.xlsx)"', preview.content.decode())
    assert token is not None
    c.post(reverse("ratings:import", args=[rnd.pk]), {"token": token.group(1)})
    assert Ballot.objects.filter(round=rnd).count() == 3
    c.post(reverse("ratings:open", args=[rnd.pk]))
    links = c.post(reverse("ratings:links", args=[rnd.pk]), {"format": "page"})
    assert links.status_code == 200 and links["Cache-Control"] == "no-store"
    found = re.findall(r'value="(http://testserver/ratings/b/[A-Za-z0-9_-]+/)"', links.content.decode())
    assert len(found) == 3
    # a rater answers with the link, without an account
    rater = Client()
    page = rater.get(found[0])
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    body = page.content.decode()
    names = sorted(set(re.findall(r'name="(a-\d+-\d+)"', body)))
    assert len(names) == 4
    done = rater.post(found[0], {n: "0" for n in names})
    assert done.status_code == 200 and "已提交" in done.content.decode()
    again = rater.post(found[0], {n: "2" for n in names})
    assert again.status_code == 400 and "已经提交过" in again.content.decode()
    assert Answer.objects.filter(points=0).count() == 0
    # the round's page lists the two who have not answered; results; export
    detail = c.get(reverse("ratings:round", args=[rnd.pk])).content.decode()
    assert "参评率 33.33%" in detail and detail.count("重发链接") == 2
    results = c.get(reverse("ratings:results", args=[rnd.pk])).content.decode()
    assert "样本不足" in results and "测试企业" not in results
    export = c.get(reverse("ratings:results", args=[rnd.pk]) + "?format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active  # type: ignore[attr-defined]
    assert ws is not None
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "区发展和改革局" in cells and "样本不足" in cells
    # links as .xlsx (issued again: the two unanswered), then close: the links stop working
    xl = c.post(reverse("ratings:links", args=[rnd.pk]), {"format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(xl.streaming_content))).active  # type: ignore[attr-defined]
    assert ws is not None
    new_links = [
        v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str) and "/ratings/b/" in v
    ]
    assert len(new_links) == 2
    c.post(reverse("ratings:close", args=[rnd.pk]))
    closed = rater.get(new_links[0].removeprefix("http://testserver"))
    assert "已结束" in closed.content.decode()
    assert BallotRefusal.objects.filter(reason="closed").count() == 1


def test_ballot_incomplete_shows_the_form_again_with_the_choices_kept(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd, raters=1)
    ((bid, token),) = tokens.items()
    url = reverse("ratings:ballot", args=[token])
    keys = [f"a-{u}-{i}" for u, i in full_answers(Ballot.objects.get(pk=bid))]
    response = Client().post(url, {keys[0]: "1"})
    body = response.content.decode()
    assert response.status_code == 400 and "还有事项没有评分" in body
    assert re.search(rf'name="{keys[0]}" value="1" required checked', body)
    assert Client().post(url, {k: "7" for k in keys}).status_code == 400  # out of scale
    assert not Answer.objects.exists()


def test_unknown_token_page(p: Personas) -> None:
    response = Client().get(reverse("ratings:ballot", args=["not-a-token"]))
    assert response.status_code == 200 and "评议链接无效" in response.content.decode()


def test_ballot_page_in_english(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd, raters=1)
    c = Client()
    c.cookies["django_language"] = "en"
    body = c.get(reverse("ratings:ballot", args=[next(iter(tokens.values()))])).content.decode()
    assert "Submit" in body


def _ballots(p: Personas, n: int) -> RatingRound:
    rnd = make_round(p, name=f"评议{n}")
    tokens = opened(p, rnd, raters=n)
    for bid, token in list(tokens.items())[: n - 1]:
        services.ballot_submit(token=token, answers=full_answers(Ballot.objects.get(pk=bid), 1))
    return rnd


@pytest.mark.parametrize(
    ("what", "url"),
    [
        ("rounds", "/ratings/"),
        ("round", "/ratings/rounds/{round}/"),
        ("results", "/ratings/rounds/{round}/results/"),
        ("export", "/ratings/rounds/{round}/results/?format=xlsx"),
        ("api-results", "/api/v1/ratings/rounds/{round}/results"),
        ("api-rounds", "/api/v1/ratings/rounds"),
    ],
)
def test_query_counts_do_not_grow(p: Personas, what: str, url: str) -> None:
    c = client_for(p.officer)
    c.get("/ratings/")
    counted = {}
    for n in (3, 30):
        rnd = _ballots(p, n)
        with exact_queries(f"ratings.{what}[officer {url}]@{n}") as counted[n]:
            response = c.get(url.format(round=rnd.pk))
            if what == "export":
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert response.status_code == 200
    assert counted[30].count <= counted[3].count


def test_api_results_and_close(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd, raters=3)
    for bid, token in tokens.items():
        services.ballot_submit(token=token, answers=full_answers(Ballot.objects.get(pk=bid), 0))
    c = client_for(p.officer)
    data = c.get(f"/api/v1/ratings/rounds/{rnd.pk}/results").json()
    assert [(u["unit"], u["ballots"], u["score"], u["veto"]) for u in data["units"]] == [
        ("区发展和改革局", 3, "100.00", False),
        ("区财政局", 3, "100.00", False),
    ]
    assert client_for(p.reporter_a).get(f"/api/v1/ratings/rounds/{rnd.pk}/results").status_code == 403
    assert c.post(f"/api/v1/ratings/rounds/{rnd.pk}/close").json()["state"] == "closed"
    assert c.post(f"/api/v1/ratings/rounds/{rnd.pk}/close").status_code == 400
    assert c.get("/api/v1/ratings/rounds/999999/results").status_code == 404


def test_import_preview_shows_refusals_by_row_and_column(p: Personas, rnd: RatingRound) -> None:
    data = xlsx([("企业评议组", "", "企业", "")])
    response = client_for(p.officer).post(
        reverse("ratings:import", args=[rnd.pk]), {"file": SimpleUploadedFile("x.xlsx", data)}
    )
    body = response.content.decode()
    assert 'id="import-errors"' in body and "名称为空" in body and 'id="import-commit"' not in body


def test_reminders_resend_one_link_with_notice(
    p: Personas, rnd: RatingRound, django_capture_on_commit_callbacks: Any
) -> None:
    from luoshi.notify.models import Notification

    data = xlsx(
        [("社区评议组", "东湖社区", "社区", "", "", "reporter_b")],
        header=("评议组", "名称", "类别", "联系人", "对应单位", "账号"),
    )
    from luoshi.ratings import importer

    importer.raters_import(actor=p.officer, round=rnd, data=data, filename="a.xlsx")
    services.round_open(actor=p.officer, round=rnd)
    ballot = Ballot.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(p.officer).post(
            reverse("ratings:links", args=[rnd.pk]), {"ballot": ballot.pk, "notify": "1", "format": "page"}
        )
    assert response.status_code == 200
    note = Notification.objects.get(user=p.reporter_b)
    link = re.search(r"(http://testserver/ratings/b/\S+/)", note.text)
    assert link and link.group(1) in response.content.decode()
    assert timezone.now() >= Ballot.objects.get().issued_at  # type: ignore[operator]
