"""Benchmark pages and API per persona, the office's import through the page (preview, nothing
written, then import), the ranking page and its export, query counts."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.benchmark.models import PeerGroup, Value
from tests.factories import Personas
from tests.helpers import client_for, exact_queries, personas

from .conftest import make_group, sample

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.mark.parametrize("who", personas())
def test_pages_per_persona(p: Personas, who: str) -> None:
    group = make_group(p)
    c = client_for(getattr(p, who))
    for url in (reverse("benchmark:index"), reverse("benchmark:ranking", args=[group.pk])):
        response = c.get(url)
        if who == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if who in ("officer", "officer2", "leader") else 403), url


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader"])
def test_only_the_office_posts(p: Personas, who: str) -> None:
    c = client_for(getattr(p, who))
    upload = SimpleUploadedFile("cq.csv", sample("chongqing_districts_2019_gdp_rank.csv"))
    assert c.post(reverse("benchmark:import"), {"file": upload}).status_code == 403
    assert c.post(reverse("benchmark:group_new"), {"name": "x"}).status_code == 403
    assert c.post(reverse("benchmark:own_value"), {"value": "1"}).status_code == 403
    assert not Value.objects.exists()


def test_import_through_the_page_previews_then_imports(p: Personas) -> None:
    c = client_for(p.officer)
    upload = SimpleUploadedFile("南京年鉴.csv", sample("peer_cities_2016_nanjing_yearbook_t18-2.csv"))
    preview = c.post(reverse("benchmark:import"), {"file": upload, "period": "", "within": ""})
    body = preview.content.decode()
    assert preview.status_code == 200 and "320100 南京市" in body and "确认导入" in body
    assert not Value.objects.exists()
    token = re.search(r'name="token" value="([0-9a-f]{32}\.csv)"', body)
    assert token is not None
    assert 'name="source_name" value="南京年鉴.csv"' in body
    done = c.post(
        reverse("benchmark:import"),
        {"token": token.group(1), "period": "", "within": "", "source_name": "南京年鉴.csv"},
    )
    assert done.status_code == 302
    v = Value.objects.get(region__code="110000", indicator__code="gdp")
    assert (v.value, v.source, v.source_row) == (Decimal("24899.30"), "南京年鉴.csv", 2)


def test_a_bad_file_is_previewed_with_its_errors_and_cannot_be_imported(p: Personas) -> None:
    c = client_for(p.officer)
    data = "地区,年份,地区生产总值(亿元)\n东西湖区,2024,八百\n无此区,2024,1\n".encode()
    preview = c.post(reverse("benchmark:import"), {"file": SimpleUploadedFile("bad.csv", data)})
    body = preview.content.decode()
    assert "import-errors" in body and "八百" in body and "无此区" in body
    assert 'id="import-commit"' not in body
    token = re.search(r'"([0-9a-f]{32}\.csv)"', body)
    assert token is None
    assert not Value.objects.exists()


def test_the_ranking_page_shows_rank_movement_and_gaps(p: Personas) -> None:
    group = make_group(p)
    c = client_for(p.leader)
    response = c.get(reverse("benchmark:ranking", args=[group.pk]), {"indicator": "gdp", "period": "2024"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "本区在 6 个地区中排第 2 位" in body and "上升 1 位" in body
    assert 'id="home-row"' in body and "示范区" in body  # the district's own unit names its region
    assert "benchmark-chart" in body and "echarts.min.js" in body
    # default: the first indicator with figures, the latest period
    default = c.get(reverse("benchmark:ranking", args=[group.pk])).content.decode()
    assert "2024年" in default and "本区在 6 个地区中排第 2 位" in default
    assert c.get(reverse("benchmark:ranking", args=[group.pk]), {"indicator": "nope"}).status_code == 404
    empty = c.get(reverse("benchmark:ranking", args=[group.pk]), {"indicator": "retail"})
    assert empty.status_code == 200 and "no-figures" in empty.content.decode()


def test_the_ranking_export(p: Personas) -> None:
    group = make_group(p)
    c = client_for(p.officer)
    response = c.get(
        reverse("benchmark:ranking", args=[group.pk]),
        {"indicator": "gdp", "period": "2024", "format": "xlsx"},
    )
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    rows = [[c for c in r] for r in wb.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    first = next(r for r in rows if r and r[0] == 1)
    assert first[1] == "江夏区" and first[2] == "420115"
    home = next(r for r in rows if r and r[1] == "示范区")
    assert (home[0], home[4], home[5], home[6]) == (2, 3, 1, -250)


def test_own_value_and_group_forms(p: Personas) -> None:
    group = make_group(p)
    c = client_for(p.officer)
    bad = c.post(
        reverse("benchmark:own_value"),
        {
            "indicator": group.members.first().values.first().indicator_id,
            "period": "2025年前三季度",
            "value": "很多",
        },
    )
    assert bad.status_code == 400 and "很多" in bad.content.decode()
    from luoshi.benchmark.models import Indicator

    growth = Indicator.objects.get(code="gdp_growth")
    ok = c.post(
        reverse("benchmark:own_value"),
        {"indicator": growth.pk, "period": "2025年前三季度", "value": "增长6.5%"},
    )
    assert ok.status_code == 302
    v = Value.objects.get(region__code="420112", indicator=growth, period__year=2025, period__quarter=3)
    assert (v.value, v.source) == (Decimal("6.5"), "本区填报")
    new = c.post(
        reverse("benchmark:group_new"),
        {"name": "省内对标", "home": "420112", "members": "420113、蔡甸区 420115", "benchmark": "江夏区"},
    )
    g = PeerGroup.objects.get(name="省内对标")
    assert new.status_code == 302 and new.url == reverse("benchmark:ranking", args=[g.pk])
    assert sorted(g.members.values_list("code", flat=True)) == ["420112", "420113", "420114", "420115"]
    refused = c.post(
        reverse("benchmark:group_new"), {"name": "x", "home": "420112", "members": "市中区", "benchmark": ""}
    )
    assert refused.status_code == 400 and "多个地区" in refused.content.decode()


@pytest.mark.parametrize(
    ("what", "url"),
    [
        ("ranking", "/benchmark/groups/{group}/?indicator=gdp&period=2024"),
        ("export", "/benchmark/groups/{group}/?indicator=gdp&period=2024&format=xlsx"),
        ("index", "/benchmark/"),
        ("api-ranking", "/api/v1/benchmark/groups/{group}/ranking?indicator=gdp&year=2024"),
    ],
)
def test_query_counts_do_not_grow(p: Personas, what: str, url: str) -> None:
    c = client_for(p.officer)
    c.get("/benchmark/")
    counted = {}
    for n in (4, 6):
        PeerGroup.objects.all().delete()
        Value.objects.all().delete()
        group = make_group(p, n)
        with exact_queries(f"benchmark.{what}[officer {url}]@{n}") as counted[n]:
            response = c.get(url.format(group=group.pk))
            if what == "export":
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert response.status_code == 200
    assert counted[6].count <= counted[4].count


def test_api(p: Personas) -> None:
    group = make_group(p)
    c = client_for(p.leader)
    r = c.get(f"/api/v1/benchmark/groups/{group.pk}/ranking", {"indicator": "gdp", "year": 2024})
    assert r.status_code == 200
    data = r.json()
    home = next(line for line in data["lines"] if line["is_home"])
    assert (home["rank"], home["previous_rank"], home["movement"]) == (2, 3, 1)
    assert Decimal(home["to_benchmark"]["absolute"]) == Decimal(-250)
    assert Decimal(home["to_benchmark"]["percent"]) == Decimal("-23.81")
    assert c.get("/api/v1/benchmark/regions", {"q": "东西湖"}).json()["items"][0]["code"] == "420112"
    assert len(c.get("/api/v1/benchmark/indicators").json()) == 10
    values = c.get("/api/v1/benchmark/values", {"region": "420112", "indicator": "gdp"}).json()
    assert values["count"] == 2 and values["items"][0]["source"] == "figures.csv"
    groups = c.get("/api/v1/benchmark/groups").json()
    assert groups[0]["benchmark"] == "420115" and len(groups[0]["members"]) == 6
    assert (
        c.get(f"/api/v1/benchmark/groups/{group.pk}/ranking", {"indicator": "x", "year": 2024}).status_code
        == 400
    )
    assert client_for(p.reporter_a).get("/api/v1/benchmark/groups").status_code == 403
