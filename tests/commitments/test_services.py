"""Commitments' services: who may do what, validation, versions, audit, nothing written on error;
catalogue import from a table, idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.audit.models import Entry
from luoshi.commitments import services
from luoshi.commitments.importer import read_rows
from luoshi.commitments.models import CatalogueItem, Commitment, CommitmentVersion, Compliance
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.portal.models import Snapshot
from tests.commitments.helpers import accepted, commitment, publication_of, publish_all
from tests.factories import Personas

pytestmark = pytest.mark.django_db


def test_only_the_office_records_commitments(p: Personas) -> None:
    for who in (p.reporter_a, p.head_a, p.leader):
        with pytest.raises(NotAllowed):
            services.commitment_create(
                actor=who,
                unit=p.unit_a,
                session="s",
                year=2026,
                title="t",
                measure="m",
                deadline=date(2026, 12, 31),
            )
    assert not Commitment.objects.exists() and not Snapshot.objects.exists()


def test_create_numbers_audits_and_proposes(p: Personas) -> None:
    a = commitment(p, title="一")
    b = commitment(p, title="二")
    assert (a.number, b.number) == (1, 2)
    assert Entry.objects.filter(action="commitments.commitment.created").count() == 2
    assert Snapshot.objects.filter(state="pending").count() == 2
    with pytest.raises(InvalidField) as e:
        commitment(p, title="  ")
    assert e.value.field == "title"
    with pytest.raises(InvalidField):
        commitment(p, title="三", number=1)
    assert Commitment.objects.count() == 2


def test_update_keeps_versions_and_refuses_stale_and_unknown(p: Personas) -> None:
    c = commitment(p, title="旧")
    services.commitment_update(
        actor=p.officer, commitment=c, version=1, reason="调整", changes={"title": "新"}
    )
    c.refresh_from_db()
    assert c.version == 2 and c.title == "新"
    v = CommitmentVersion.objects.get()
    assert (v.version, v.title, v.reason) == (1, "旧", "调整")
    with pytest.raises(Conflict):
        services.commitment_update(
            actor=p.officer, commitment=c, version=1, reason="x", changes={"title": "再改"}
        )
    with pytest.raises(LuoshiError, match="unit"):
        services.commitment_update(actor=p.officer, commitment=c, version=2, reason="x", changes={"unit": 3})
    with pytest.raises(InvalidField):
        services.commitment_update(
            actor=p.officer, commitment=c, version=2, reason="", changes={"title": "再改"}
        )
    with pytest.raises(NotAllowed):
        services.commitment_update(
            actor=p.head_a, commitment=c, version=2, reason="x", changes={"title": "再改"}
        )
    assert Commitment.objects.get().title == "新" and CommitmentVersion.objects.count() == 1


def test_compliance_is_stated_by_the_unit_and_reviewed_by_the_office(p: Personas) -> None:
    c = commitment(p)
    with pytest.raises(NotAllowed):
        services.compliance_submit(
            actor=p.reporter_b, commitment=c, period="2026Q1", state="on_track", note="n"
        )
    with pytest.raises(InvalidField):
        services.compliance_submit(
            actor=p.reporter_a, commitment=c, period="2026Q5", state="on_track", note="n"
        )
    with pytest.raises(InvalidField):
        services.compliance_submit(actor=p.reporter_a, commitment=c, period="2026Q1", state="done", note="n")
    row = services.compliance_submit(
        actor=p.reporter_a, commitment=c, period="2026Q1", state="on_track", note="招标"
    )
    with pytest.raises(NotAllowed):
        services.compliance_review(actor=p.head_a, compliance=row, accept=True)
    with pytest.raises(InvalidField):
        services.compliance_review(actor=p.officer, compliance=row, accept=False, note="")
    services.compliance_review(actor=p.officer, compliance=row, accept=False, note="请补充")
    again = services.compliance_submit(
        actor=p.head_a, commitment=c, period="2026Q1", state="on_track", note="已补充"
    )
    assert again.pk == row.pk and again.review == "pending"
    services.compliance_review(actor=p.officer, compliance=again, accept=True)
    with pytest.raises(Conflict):
        services.compliance_submit(
            actor=p.reporter_a, commitment=c, period="2026Q1", state="fulfilled", note="x"
        )
    with pytest.raises(Conflict):
        services.compliance_review(actor=p.officer, compliance=again, accept=True)
    publish_all(p)
    data = publication_of(c).current.data  # type: ignore[union-attr]
    assert data["compliance"] == [{"period": "2026Q1", "state": "on_track", "note": "已补充"}]
    assert Compliance.objects.count() == 1


def test_accepting_compliance_proposes_a_new_public_version(p: Personas) -> None:
    c = commitment(p)
    publish_all(p)
    accepted(p, c, "2026Q1", "fulfilled", "已建成")
    pending = Snapshot.objects.get(state="pending")
    assert pending.data["state"] == "fulfilled"
    assert publication_of(c).status == "not_started"  # the public still sees the reviewed version


CSV = """区发改局权力清单
编号,事项名称,设定依据,责任岗位,运行流程
QL-001,固定资产投资项目核准,《企业投资项目核准和备案管理条例》,投资科,受理-审查-决定
QL-002,价格违法行为处罚,《价格法》第三十九条,价格科,立案-调查-决定
"""


def test_catalogue_import_is_idempotent_and_retires_missing_items(p: Personas) -> None:
    rows = read_rows(CSV.encode(), "清单.csv")
    assert [r.code for r in rows] == ["QL-001", "QL-002"]
    assert services.catalogue_import(actor=p.officer, unit=p.unit_a, kind="power", rows=rows) == {
        "created": 2,
        "updated": 0,
        "retired": 0,
    }
    assert services.catalogue_import(actor=p.officer, unit=p.unit_a, kind="power", rows=rows) == {
        "created": 0,
        "updated": 0,
        "retired": 0,
    }
    edited = read_rows(
        CSV.replace("价格科", "价格监督科").split("QL-001")[0].encode()
        + "QL-002,价格违法行为处罚,《价格法》,价格监督科,立案\n".encode(),
        "x.csv",
    )
    assert services.catalogue_import(actor=p.officer, unit=p.unit_a, kind="power", rows=edited) == {
        "created": 0,
        "updated": 1,
        "retired": 1,
    }
    assert CatalogueItem.objects.filter(active=True).count() == 1
    assert (
        Snapshot.objects.filter(publication__kind="catalogue", state="pending").get().data["items"][0]["post"]
        == "价格监督科"
    )


def test_catalogue_import_refuses_bad_tables_whole(p: Personas) -> None:
    with pytest.raises(InvalidField):
        read_rows(b"a,b\n1,2\n", "x.csv")
    rows = read_rows((CSV + "QL-001,重复,,,\n").encode(), "x.csv")
    with pytest.raises(InvalidField) as e:
        services.catalogue_import(actor=p.officer, unit=p.unit_a, kind="power", rows=rows)
    assert "重复" in str(e.value.message)
    with pytest.raises(NotAllowed):
        services.catalogue_import(actor=p.reporter_a, unit=p.unit_a, kind="power", rows=rows[:1])
    with pytest.raises(InvalidField):
        services.catalogue_import(actor=p.officer, unit=p.unit_a, kind="other", rows=rows[:1])
    assert not CatalogueItem.objects.exists()


def test_catalogue_xlsx(p: Personas) -> None:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["区财政局负面清单"])
    ws.append(["序号", "事项名称", "设定依据"])
    ws.append([1, "不得违规举债", "《预算法》"])
    buf = io.BytesIO()
    wb.save(buf)
    rows = read_rows(buf.getvalue(), "负面清单.xlsx")
    assert rows[0].code == "1" and rows[0].name == "不得违规举债" and rows[0].post == ""
