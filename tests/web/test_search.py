"""The one search box: tasks, key projects, supervision items and rectification problems (issue 17).

Matching (Chinese words of one, two and more characters, pinyin, initials), ranking, highlighting,
escaping, visibility per persona, the API, query counts, and on PostgreSQL that the indexes serve
every kind of term."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from luoshi.rectification.services import NewProblem, problem_create, round_create
from luoshi.work.models import Task
from luoshi.work.selectors_search import task_search
from tests.factories import make_unit
from tests.helpers import client_for, exact_queries, personas
from tests.projects.factories import make_project
from tests.supervision.conftest import make_item


@pytest.fixture
def w(p: Any) -> dict[str, Any]:
    plan = p.plan()
    service = make_unit("区营商服务中心", parent=p.district, code="YSZX")
    return {
        "plan": plan,
        "by_code": p.task(plan, title="落实河长制巡查", code="12"),
        "prefix": p.task(plan, title="营商环境评价整改", code="3"),
        "title": p.task(plan, title="持续优化营商环境", code="1"),
        "unit": p.task(plan, title="推进政务服务一网通办", code="2", unit=service),
        "other": p.task(plan, title="老旧小区改造", code="4"),
        "hidden": p.task(plan, title="督查营商专项（乙）", code="5", unit=p.unit_b),
    }


def ids(rows: list[Task]) -> list[int]:
    return [t.pk for t in rows]


def test_ranked_title_prefix_then_title_then_unit(p: Any, w: dict[str, Any]) -> None:
    rows, count = task_search(p.officer, "营商")
    assert ids(rows) == [w["prefix"].pk, w["title"].pk, w["hidden"].pk, w["unit"].pk]
    assert count == 4


def test_exact_code_first(p: Any, w: dict[str, Any]) -> None:
    twelve = p.task(w["plan"], title="完成第12批老旧小区改造", code="6")
    rows, _ = task_search(p.officer, "12")
    assert ids(rows)[:2] == [w["by_code"].pk, twelve.pk]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("营", ["prefix", "title", "hidden", "unit"]),  # one character
        ("营商", ["prefix", "title", "hidden", "unit"]),  # two
        ("营商环境", ["prefix", "title"]),  # four
        ("商环", ["prefix", "title"]),  # across a word boundary: a substring, not a word
        ("环境营商", []),  # the grams of a term in another order are not the term
        ("yingshang", ["prefix", "title", "hidden", "unit"]),  # full pinyin (of title or unit)
        ("yshjpjzg", ["prefix"]),  # initials
        ("营商 整改", ["prefix"]),  # every term
        ("营商 zhenggai", ["prefix"]),  # Chinese and pinyin terms together
        ("营商服务中心", ["unit"]),  # the lead unit's name
        ("不存在的词语", []),
        ("%", []),  # LIKE's wildcards are text
        ("_", []),
    ],
)
def test_matching(p: Any, w: dict[str, Any], q: str, found: list[str]) -> None:
    rows, count = task_search(p.officer, q)
    assert sorted(ids(rows)) == sorted(w[k].pk for k in found)
    assert count == len(found)


def test_visibility(p: Any, w: dict[str, Any]) -> None:
    rows, _ = task_search(p.reporter_a, "营商")
    assert w["hidden"].pk not in ids(rows) and w["title"].pk in ids(rows)
    rows, _ = task_search(p.reporter_b, "营商")
    assert ids(rows) == [w["hidden"].pk]


def test_task_list_and_api_rank_and_filter_alike(p: Any, w: dict[str, Any]) -> None:
    c = client_for(p.officer)
    api = c.get("/api/v1/tasks", {"q": "营商"}).json()
    assert [t["id"] for t in api["items"]] == [w[k].pk for k in ("prefix", "title", "hidden", "unit")]
    # A chosen sort overrides the ranking.
    api = c.get("/api/v1/tasks", {"q": "营商", "sort": "code"}).json()
    assert [t["id"] for t in api["items"]] == [w[k].pk for k in ("title", "unit", "prefix", "hidden")]
    html = c.get("/work/tasks/", {"q": "营商"}).content.decode()
    assert "持续优化<mark>营商</mark>环境" in html
    assert html.index(f'id="task-{w["prefix"].pk}"') < html.index(f'id="task-{w["unit"].pk}"')


@pytest.mark.parametrize("who", personas(but=["anonymous"]))
def test_search_page_per_persona(p: Any, w: dict[str, Any], who: str) -> None:
    html = client_for(getattr(p, who)).get("/search/", {"q": "营商"}).content.decode()
    sees_a = who in ("officer", "officer2", "reporter_a", "head_a", "leader")
    assert ("持续优化<mark>营商</mark>环境" in html) == sees_a
    assert ("督查<mark>营商</mark>专项（乙）" in html) == (who in ("officer", "officer2", "reporter_b"))


def test_search_page_anonymous_goes_to_sign_in(w: dict[str, Any]) -> None:
    response = client_for(None).get("/search/", {"q": "营商"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_search_page_sections_and_escaping(p: Any, w: dict[str, Any]) -> None:
    make_project(p, name="营商环境提升<script>x</script>项目")
    make_item(p, title="督促营商环境整改")
    rnd = round_create(
        actor=p.officer,
        kind="patrol",
        name="巡察",
        body="巡察组",
        start=w["plan"].start,
        end=w["plan"].start,
        due=w["plan"].due,
        scope_units=[p.unit_a],
    )
    problem_create(
        actor=p.officer,
        round=rnd,
        row=NewProblem(
            number="1",
            text="营商环境投诉处理慢",
            responsible_unit=p.unit_a,
            deadline=w["plan"].due,
            measures=[("限时办结投诉", None)],
        ),
    )
    c = client_for(p.officer)
    html = c.get("/search/", {"q": "营商"}).content.decode()
    for kind in ("task", "project", "supervision_item", "problem"):
        assert f'id="search-{kind}"' in html, kind
    assert "<mark>营商</mark>环境提升&lt;script&gt;x&lt;/script&gt;项目" in html
    assert "<script>x" not in html
    assert "督促<mark>营商</mark>环境整改" in html and "<mark>营商</mark>环境投诉处理慢" in html
    # The nav's search box on every page leads here.
    assert 'action="/search/"' in c.get("/work/tasks/").content.decode()
    none = c.get("/search/", {"q": "<b>不存在</b>"}).content.decode()
    assert 'id="search-none"' in none and "&lt;b&gt;不存在&lt;/b&gt;" in none


def test_search_api(p: Any, w: dict[str, Any]) -> None:
    c = client_for(p.reporter_a)
    body = c.get("/api/v1/search", {"q": "营商"}).json()
    tasks = next(s for s in body["sections"] if s["kind"] == "task")
    assert [t["id"] for t in tasks["items"]] == [
        w[k].pk for k in ("prefix", "title")
    ]  # not B's, nor the centre's
    assert tasks["count"] == 2 and tasks["capped"] is False
    assert tasks["items"][1]["title_html"] == "持续优化<mark>营商</mark>环境"
    assert {s["kind"] for s in body["sections"]} == {"task", "project", "supervision_item", "problem"}
    assert c.get("/api/v1/search", {"q": ""}).status_code == 422
    assert client_for(None).get("/api/v1/search", {"q": "营商"}).status_code == 401


def test_search_page_query_count(p: Any, w: dict[str, Any]) -> None:
    """A fixed number of queries: each section's page, and its capped count once the page is full."""
    make_item(p, title="营商督办")
    c = client_for(p.officer)
    counts = []
    for n in (12, 30):
        for i in range(n - len(Task.objects.filter(title__startswith="营商批量"))):
            p.task(w["plan"], title=f"营商批量任务{n}-{i}")
        c.get("/search/", {"q": "营商"})
        with exact_queries(f"web.search[officer /search/?q=营商]@{n}") as counted:
            assert c.get("/search/", {"q": "营商"}).status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


@pytest.mark.postgres
@pytest.mark.parametrize("q", ["营", "营商", "营商环境", "yingshang", "营商 hj"])
def test_postgres_serves_terms_from_an_index(p: Any, w: dict[str, Any], q: str) -> None:
    """With sequential scans priced out, every term is looked up in a search index (a term of one
    or two Chinese characters in the grams index, a longer Latin term in the trigram index)."""
    from luoshi.lib.search import matches

    sql, params = Task.objects.filter(matches("search_text", q)).order_by().only("id").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "work_task_search_text_grams" in plan or "work_task_search_text_trgm" in plan, plan
    if q in ("营", "营商"):
        assert "~~" not in plan, plan  # the grams alone decide: no LIKE recheck


def test_task_list_api_estimates_a_large_count(p: Any, w: dict[str, Any], monkeypatch: Any) -> None:
    """Past `EXACT_UP_TO` rows the API's count is PostgreSQL's estimate and says so; a page that is
    not full gives the exact count without counting; SQLite always counts."""
    from luoshi.lib import counting

    monkeypatch.setattr(counting, "EXACT_UP_TO", 3)
    c = client_for(p.officer)
    page = c.get("/api/v1/tasks", {"limit": 2}).json()
    total = Task.objects.count()
    if connection.vendor == "postgresql":
        assert page["count_estimated"] is True and page["count"] >= 4
    else:
        assert page["count_estimated"] is False and page["count"] == total
    small = c.get("/api/v1/tasks", {"limit": 50}).json()
    assert small == {**small, "count": total, "count_estimated": False}
    assert c.get("/api/v1/tasks", {"limit": 2, "q": "营商环境"}).json()["count"] == 2  # 2 of 2: exact
    # a search ranks every match, and the ranking query counts them too: exact past the threshold
    monkeypatch.setattr(counting, "EXACT_UP_TO", 1)
    ranked = c.get("/api/v1/tasks", {"limit": 1, "q": "营商环境"}).json()
    assert (ranked["count"], ranked["count_estimated"], len(ranked["items"])) == (2, False, 1)
    beyond = c.get("/api/v1/tasks", {"limit": 1, "offset": 5, "q": "营商环境"}).json()
    assert (beyond["count"], beyond["items"]) == (2, [])
