"""Commitments pages and API per persona, with query counts of the lists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.commitments.models import CatalogueItem, Commitment, Compliance
from luoshi.portal.models import Snapshot
from tests.commitments.helpers import commitment
from tests.factories import Personas
from tests.helpers import client_for, exact_queries, personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", personas())
def test_list_shows_each_persona_what_they_may_see(p: Personas, who: str) -> None:
    commitment(p, unit=p.unit_a, title="甲单位承诺")
    commitment(p, unit=p.unit_b, title="乙单位承诺")
    response = client_for(getattr(p, who)).get(reverse("commitments:list"))
    if who == "anonymous":
        assert response.status_code == 302
        return
    body = response.content.decode()
    sees_a = who in ("officer", "officer2", "leader", "reporter_a", "head_a")
    sees_b = who in ("officer", "officer2", "leader", "reporter_b")
    assert ("甲单位承诺" in body) is sees_a and ("乙单位承诺" in body) is sees_b
    assert ('id="commitment-form"' in body) is (who in ("officer", "officer2"))


@pytest.mark.parametrize("who", personas())
def test_detail_is_hidden_from_other_units(p: Personas, who: str) -> None:
    c = commitment(p, unit=p.unit_a)
    response = client_for(getattr(p, who)).get(reverse("commitments:detail", args=[c.pk]))
    if who == "anonymous":
        assert response.status_code == 302
    elif who in ("reporter_b", "auditor"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200


def test_office_enters_edits_and_reviews_through_pages(p: Personas) -> None:
    office = client_for(p.officer)
    r = office.post(
        reverse("commitments:list"),
        {
            "unit": p.unit_a.pk,
            "session": "互学互比会",
            "year": 2026,
            "title": "页面录入的承诺",
            "measure": "措施",
            "deadline": "2026-10-01",
        },
    )
    assert r.status_code == 302
    c = Commitment.objects.get()
    r = office.post(
        reverse("commitments:edit", args=[c.pk]),
        {
            "title": "页面修改后的承诺",
            "measure": "措施",
            "deadline": "2026-11-01",
            "reason": "延期",
            "version": 1,
        },
        follow=True,
    )
    assert "审核通过前仍看到原版本" in r.content.decode()
    reporter = client_for(p.reporter_a)
    reporter.post(
        reverse("commitments:compliance", args=[c.pk]),
        {"period": "2026Q2", "state": "on_track", "note": "推进中"},
    )
    row = Compliance.objects.get()
    assert (
        client_for(p.reporter_a)
        .post(reverse("commitments:review", args=[row.pk]), {"decision": "accept"})
        .status_code
        == 403
    )
    assert "推进中" in office.get(reverse("commitments:queue")).content.decode()
    office.post(reverse("commitments:review", args=[row.pk]), {"decision": "accept"})
    assert Compliance.objects.get().review == "accepted"
    assert Snapshot.objects.filter(state="pending").count() == 1  # one pending version, the newest


def test_catalogue_import_page(p: Personas) -> None:
    csv = "编号,事项名称,责任岗位\nZR-1,统筹全区发展规划,规划科\n".encode()
    upload = SimpleUploadedFile("责任清单.csv", csv, content_type="text/csv")
    assert (
        client_for(p.reporter_a)
        .post(
            reverse("commitments:catalogues"), {"unit": p.unit_a.pk, "kind": "responsibility", "file": upload}
        )
        .status_code
        == 403
    )
    upload = SimpleUploadedFile("责任清单.csv", csv, content_type="text/csv")
    r = client_for(p.officer).post(
        reverse("commitments:catalogues"),
        {"unit": p.unit_a.pk, "kind": "responsibility", "file": upload},
        follow=True,
    )
    assert "新增 1" in r.content.decode()
    assert CatalogueItem.objects.get().post == "规划科"
    bad = SimpleUploadedFile("x.csv", b"a,b\n", content_type="text/csv")
    r = client_for(p.officer).post(
        reverse("commitments:catalogues"), {"unit": p.unit_a.pk, "kind": "power", "file": bad}
    )
    assert r.status_code == 400 and "找不到表头" in r.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count(p: Personas, rows: int) -> None:
    for i in range(rows):
        commitment(p, unit=p.unit_a, title=f"承诺{i}")
    office = client_for(p.officer)
    office.get(reverse("commitments:queue"))
    with exact_queries(f"commitments.list[officer /commitments/]@{rows}"):
        assert office.get(reverse("commitments:list")).status_code == 200
    with exact_queries(f"commitments.api[officer /api/v1/commitments]@{rows}"):
        assert office.get(reverse("api-v1:commitments_list")).json()["count"] == rows


def test_api(p: Personas) -> None:
    from datetime import date

    plan = p.plan(name="计划", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    task = p.task(plan, title="承载任务", unit=p.unit_a)
    office = client_for(p.officer)
    r = office.post(
        reverse("api-v1:commitments_create"),
        {
            "task_id": task.pk,
            "unit_id": p.unit_a.pk,
            "session": "会",
            "year": 2026,
            "title": "接口录入",
            "measure": "m",
            "deadline": "2026-09-30",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert r.json()["task_id"] == task.pk
    unknown = office.post(
        reverse("api-v1:commitments_create"),
        {
            "unit_id": p.unit_a.pk,
            "task_id": 999999,
            "session": "会",
            "year": 2026,
            "title": "t",
            "measure": "m",
            "deadline": "2026-09-30",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "task_id" in unknown.json()["detail"]
    assert client_for(p.reporter_b).get(reverse("api-v1:commitments_detail", args=[cid])).status_code == 404
    r = client_for(p.reporter_a).post(
        reverse("api-v1:commitments_compliance", args=[cid]),
        {"period": "2026Q3", "state": "behind", "note": "滞后"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["review"] == "pending"
    bad = client_for(p.reporter_a).post(
        reverse("api-v1:commitments_compliance", args=[cid]),
        {"period": "2026Q9", "state": "behind", "note": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    rid = r.json()["id"]
    assert (
        client_for(p.head_a)
        .post(
            reverse("api-v1:commitments_compliance_review", args=[rid]),
            {"accept": True},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    r = office.post(
        reverse("api-v1:commitments_compliance_review", args=[rid]),
        {"accept": True},
        content_type="application/json",
    )
    assert r.json()["review"] == "accepted"
    assert (
        office.get(reverse("api-v1:commitments_detail", args=[cid])).json()["compliance"][0]["state"]
        == "behind"
    )
    assert office.get(reverse("api-v1:catalogue_items")).json()["count"] == 0


@pytest.mark.parametrize("rows", [3, 30])
def test_queue_and_catalogue_query_counts(p: Personas, rows: int) -> None:
    from luoshi.commitments import services

    for i in range(rows):
        c = commitment(p, unit=p.unit_a, title=f"承诺{i}")
        services.compliance_submit(
            actor=p.reporter_a, commitment=c, period="2026Q1", state="on_track", note="n"
        )
    services.catalogue_import(
        actor=p.officer,
        unit=p.unit_a,
        kind="power",
        rows=[services.ItemRow(f"QL-{i}", f"事项{i}") for i in range(rows)],
    )
    office = client_for(p.officer)
    office.get(reverse("commitments:list"))
    with exact_queries(f"commitments.queue[officer /commitments/queue/]@{rows}"):
        body = office.get(reverse("commitments:queue")).content.decode()
    assert body.count('name="decision" value="accept"') == rows
    with exact_queries(f"commitments.catalogues[officer /commitments/catalogues/]@{rows}"):
        body = office.get(reverse("commitments:catalogues")).content.decode()
    assert body.count("<td>QL-") == rows
