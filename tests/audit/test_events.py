"""Issue 16: security events on the trail (sign-in, failed sign-in, sign-out, audit-page views and
exports, evidence downloads, data exports) and retention (≥ 180 days, purge refused before it,
archive and a chain that still verifies after it)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from luoshi.audit import anchor
from luoshi.audit.models import Entry, Purge
from luoshi.audit.retention import purge
from luoshi.audit.sequencer import chain_pending
from luoshi.audit.services import record, verify_chain
from luoshi.errors import InvalidField
from luoshi.work.models import Evidence
from tests.audit.test_audit import TABLE, run_services, sql
from tests.factories import Personas
from tests.helpers import client_for


def actions() -> list[str]:
    return list(Entry.objects.order_by("id").values_list("action", flat=True))


@pytest.mark.django_db
def test_sign_in_failure_and_sign_out_are_recorded(p):
    # A clerk: one step to sign in (an officer's sign-in has a second factor, tests/identity).
    c = Client(REMOTE_ADDR="198.51.100.20")
    c.post("/login/", {"username": "reporter_a", "password": "wrong"})
    failed = Entry.objects.get(action="audit.session.sign_in_failed")
    assert failed.data == {"username": "reporter_a"} and failed.actor is None
    assert failed.client_address == "198.51.100.20"
    assert "wrong" not in str(failed.data) + failed.object_repr  # never the password tried
    assert c.post("/login/", {"username": "reporter_a", "password": "pass-reporter_a"}).status_code == 302
    signed_in = Entry.objects.get(action="audit.session.signed_in")
    assert signed_in.actor == p.reporter_a and signed_in.object_id == str(p.reporter_a.pk)
    c.post("/logout/")
    out = Entry.objects.get(action="audit.session.signed_out")
    assert out.actor == p.reporter_a
    assert verify_chain() is None


@pytest.mark.django_db
def test_audit_page_views_and_exports_are_recorded_and_for_the_audit_admin_only(p):
    run_services(p)
    c = client_for(p.auditor)
    assert c.get("/audit/", {"action": "work.task.updated"}).status_code == 200
    viewed = Entry.objects.filter(action="audit.trail.viewed").get()
    assert viewed.actor == p.auditor and viewed.data == {
        "action": "work.task.updated",
        "object": "",
        "page": 1,
    }
    response = c.get("/audit/", {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[0][:4] == ["区域", "序号", "记录编号", "时间"]
    assert {r[5] for r in rows[1:]} >= {"work.task.updated", "audit.trail.viewed"}
    # each region's chain, numbered on its own, shown by the region's name
    assert {r[0] for r in rows[1:]} == {f"{p.district.name} ({p.district.pk})"}
    page = c.get("/audit/", {"region": p.district.pk})
    assert page.status_code == 200 and f"{p.district.name} ({p.district.pk})" in page.content.decode()
    assert Entry.objects.filter(action="audit.trail.viewed").latest("pk").data["region"] == p.district.pk
    xlsx = c.get("/audit/", {"format": "xlsx", "action": "work.task.updated"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    exported = list(Entry.objects.filter(action="audit.trail.exported").values_list("data", flat=True))
    assert [d["format"] for d in exported] == ["csv", "xlsx"]
    for other in (p.officer, p.leader, p.reporter_a):
        assert client_for(other).get("/audit/", {"format": "csv"}).status_code in (403, 404)
    assert Entry.objects.filter(action="audit.trail.exported").count() == 2


@pytest.mark.django_db
def test_evidence_downloads_and_ledger_exports_are_recorded(p):
    run_services(p)  # a completion claim with one evidence file
    ev = Evidence.objects.get()
    c = client_for(p.officer)
    assert c.get(f"/work/evidence/{ev.pk}/").status_code == 200
    got = Entry.objects.get(action="audit.evidence.downloaded")
    assert got.actor == p.officer and got.object_id == str(ev.pk) and got.data == {"name": ev.name}
    assert c.get("/documents/ledger.csv").status_code == 200
    exported = Entry.objects.get(action="audit.data.exported")
    assert exported.data["what"] == "work.ledger" and exported.data["format"] == "csv"


@pytest.mark.django_db
def test_the_console_export_is_recorded(p, tmp_path):
    run_services(p)
    call_command("audit", "export", str(tmp_path / "trail.xlsx"))
    assert (tmp_path / "trail.xlsx").stat().st_size > 0
    assert Entry.objects.filter(action="audit.trail.exported").count() == 1
    with pytest.raises(CommandError):
        call_command("audit", "export", str(tmp_path / "trail.txt"))


def old_entries(monkeypatch, days: int, n: int) -> None:  # type: ignore[no-untyped-def]
    then = timezone.now() - timedelta(days=days)
    monkeypatch.setattr("luoshi.audit.services.timezone.now", lambda: then)
    for i in range(n):
        record(None, "jobs.tick.ran", object_type="tick", object_id=f"old-{i}")
    monkeypatch.undo()


@pytest.mark.django_db
def test_purge_is_refused_inside_retention_and_keeps_a_verifying_chain_after_it(
    db, monkeypatch, tmp_path, settings
):
    assert settings.LUOSHI_AUDIT_RETENTION_DAYS == 180
    old_entries(monkeypatch, 400, 5)
    old_entries(monkeypatch, 100, 2)  # inside retention
    run_services(Personas())
    chain_pending()
    anchor.write_checkpoint()
    total = Entry.objects.count()
    with pytest.raises(InvalidField) as refused:
        purge(older_than=timezone.now() - timedelta(days=179), archive=tmp_path / "a.csv")
    assert "180" in refused.value.message
    with pytest.raises(CommandError):
        call_command(
            "audit", "purge", "--older-than", str(timezone.localdate()), "--archive", str(tmp_path / "b.csv")
        )
    assert Entry.objects.count() == total and not (tmp_path / "a.csv").exists()

    done = purge(older_than=timezone.now() - timedelta(days=200), archive=tmp_path / "old.csv")
    assert done is not None and done.removed == 5 and done.through_seq == 5
    archived = list(csv.reader(io.StringIO((tmp_path / "old.csv").read_text(encoding="utf-8-sig"))))
    assert [r[8] for r in archived[1:]] == [f"old-{i}" for i in range(5)]
    assert Entry.objects.count() == total - 5 + 1  # + the purge's own entry
    assert not Entry.objects.filter(region_id=done.region_id, seq__lte=5).exists()
    chain_pending()
    call_command("audit", "verify")
    # The purge's record is under the key too: moving the chain's start is seen.
    sql(f"UPDATE {Purge._meta.db_table} SET through_seq = 4")
    with pytest.raises(CommandError, match="retention purge"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_deleting_old_entries_without_the_purge_is_reported(db, monkeypatch):
    old_entries(monkeypatch, 400, 3)
    run_services(Personas())
    chain_pending()
    sql(f"DELETE FROM {TABLE} WHERE seq <= 3")
    with pytest.raises(CommandError, match="entries 1..3 were removed"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_the_demo_step_leaves_security_events(p):
    from types import SimpleNamespace

    from luoshi.audit import demo

    builder = SimpleNamespace(users={"officer": p.officer, "leader": p.leader}, counts={})
    demo.build(builder)
    assert builder.counts["audit_security_events"] == 7
    assert actions().count("audit.session.signed_in") == 2
    assert (
        Entry.objects.filter(action="audit.session.sign_in_failed", client_address="203.0.113.45").count()
        == 3
    )
    assert verify_chain() is None


def test_operations_doc_names_every_audit_setting():
    doc = (Path(__file__).resolve().parent.parent.parent / "docs" / "operations.md").read_text(
        encoding="utf-8"
    )
    for name in (
        "LUOSHI_AUDIT_KEY",
        "LUOSHI_AUDIT_SIGNING_KEY",
        "LUOSHI_AUDIT_VERIFY_KEY",
        "LUOSHI_AUDIT_ANCHOR_DIR",
        "LUOSHI_AUDIT_CHECKPOINT_SECONDS",
        "LUOSHI_AUDIT_RETENTION_DAYS",
        "luoshi backup",
        "luoshi restore",
    ):
        assert name in doc, name
