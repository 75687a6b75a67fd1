"""The audit trail: the keyed chain, `luoshi audit verify`, who reads it, and that nobody edits it.

Changed with the keyed chain (issue 16): entries are chained after commit, so the `trail` fixture
runs the sequencer (a test's transaction never commits); a forger who rehashes without the audit
key is now caught at the entry itself (its MAC), and one who holds the key by the checkpoint
(tests/audit/test_anchor.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import ProtectedError
from django.urls import NoReverseMatch, reverse

from luoshi.__main__ import main as luoshi_main
from luoshi.audit import chain
from luoshi.audit.context import client_address
from luoshi.audit.keys import chain_key
from luoshi.audit.models import Entry
from luoshi.audit.sequencer import chain_pending
from luoshi.audit.services import record, verify_chain
from luoshi.work.services import report_approve, report_submit, task_update
from tests.factories import claim_task

TABLE = Entry._meta.db_table
ROOT = Path(__file__).resolve().parent.parent.parent


def run_services(p) -> None:  # type: ignore[no-untyped-def]
    plan = p.plan()
    task = p.task(plan, title="审计测试任务")
    task_update(actor=p.officer, task=task, version=1, title="审计测试任务（改）")
    report = report_submit(actor=p.reporter_a, task=task, percent=40, on=date(2024, 6, 15))
    report_approve(actor=p.head_a, report=report, on=date(2024, 6, 15))
    claim_task(actor=p.reporter_a, task=task, note="完成")


def console(*argv: str) -> int:
    """`luoshi …` in this process; management commands close every connection when they finish,
    which would end the test's own transaction, so that is suspended here."""
    saved = connections.close_all
    connections.close_all = lambda: None  # type: ignore[method-assign]
    try:
        return luoshi_main(["luoshi", *argv])
    finally:
        connections.close_all = saved  # type: ignore[method-assign]


def verify_fails_naming(seq: int, words: str) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    message = str(exc.value)
    assert f"BROKEN at entry {seq}:" in message, message
    assert words in message, message
    # The console command exits non-zero with the same message.
    with pytest.raises(SystemExit) as stop:
        console("audit", "verify")
    assert stop.value.code not in (0, None)


def sql(statement: str, params: list | None = None) -> None:  # type: ignore[type-arg]
    with connection.cursor() as cur:
        cur.execute(statement, params or [])


@pytest.fixture
def trail(p):  # type: ignore[no-untyped-def]
    run_services(p)
    chain_pending()
    n = Entry.objects.count()
    assert n >= 10
    return n


@pytest.mark.django_db
def test_verify_passes_after_services(trail, capsys):
    call_command("audit", "verify")
    assert (
        f"audit chain OK: {trail} entries verified ({trail} chained, 0 not chained yet)"
        in capsys.readouterr().out
    )
    assert console("audit", "verify") == 0
    actions = set(Entry.objects.values_list("action", flat=True))
    assert {"work.task.updated", "work.report.submitted", "work.report.approved"} <= actions
    updated = Entry.objects.get(action="work.task.updated")
    assert updated.before == {"title": "审计测试任务"} and updated.after["title"] == "审计测试任务（改）"
    assert updated.actor_name and updated.prev_hash == Entry.objects.get(seq=updated.seq - 1).hash


@pytest.mark.django_db
def test_changing_one_row_is_named(trail):
    target = Entry.objects.get(action="work.report.submitted")
    sql(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = %s", ["篡改", target.seq])
    verify_fails_naming(target.seq, "altered")


@pytest.mark.django_db
def test_changing_json_values_is_named(trail):
    target = Entry.objects.get(action="work.task.updated")
    sql(f"UPDATE {TABLE} SET after = NULL WHERE seq = %s", [target.seq])
    verify_fails_naming(target.seq, "altered")


@pytest.mark.django_db
def test_changing_a_row_and_rehashing_it_without_the_key_is_named(trail):
    """A forger without the audit key recomputes the altered entry's SM3 (the old unkeyed scheme)."""
    target = Entry.objects.get(seq=trail // 2)
    fields = target.content() | {"actor_name": "别人"}
    forged_mac = chain.sm3_hex(chain.canonical(fields))
    sql(
        f"UPDATE {TABLE} SET actor_name = %s, mac = %s, hash = %s WHERE seq = %s",
        ["别人", forged_mac, chain.sm3_hex(forged_mac.encode()), target.seq],
    )
    verify_fails_naming(target.seq, "altered")


@pytest.mark.django_db
def test_changing_a_row_and_rehashing_it_with_the_key_breaks_the_next_link(trail):
    """Even holding the key, a forger who rehashes only the altered entry breaks the next link."""
    target = Entry.objects.get(seq=trail // 2)
    key = chain_key()
    mac = chain.entry_mac(key, target.content() | {"actor_name": "别人"})
    sql(
        f"UPDATE {TABLE} SET actor_name = %s, mac = %s, hash = %s WHERE seq = %s",
        ["别人", mac, chain.link(key, target.prev_hash, target.seq, mac), target.seq],
    )
    verify_fails_naming(target.seq + 1, "does not link")


@pytest.mark.django_db
def test_deleting_a_middle_row_is_named(trail):
    middle = trail // 2
    sql(f"DELETE FROM {TABLE} WHERE seq = %s", [middle])
    verify_fails_naming(middle, f"entry {middle} was removed")


@pytest.mark.django_db
def test_inserting_a_forged_row_out_of_order_is_named(trail):
    """Slip a well-formed, correctly hashed entry in between: the entry after it still links past it."""
    k = trail // 2
    before = Entry.objects.get(seq=k)
    # Make room after entry k, in two steps so the unique seq never collides.
    sql(f"UPDATE {TABLE} SET seq = -seq WHERE seq > %s", [k])
    sql(f"UPDATE {TABLE} SET seq = 1 - seq WHERE seq < 0")
    key = chain_key()  # the forger holds the key: still seen
    forged_mac = chain.entry_mac(key, before.content() | {"object_repr": "伪造的记录"})
    sql(
        f"INSERT INTO {TABLE} (region_id, seq, at, actor_id, actor_name, action, object_type, object_id,"
        f" object_repr, before, after, data, client_address, mac, prev_hash, hash)"
        f" SELECT region_id, %s, at, actor_id, actor_name, action, object_type, object_id, %s,"
        f" before, after, data, client_address, %s, %s, %s FROM {TABLE} WHERE seq = %s",
        [k + 1, "伪造的记录", forged_mac, before.hash, chain.link(key, before.hash, k + 1, forged_mac), k],
    )
    forged = Entry.objects.get(seq=k + 1)
    assert forged.hash == chain.link(key, forged.prev_hash, k + 1, chain.entry_mac(key, forged.content()))
    verify_fails_naming(k + 1, f"entry {k + 1} was inserted out of order")


@pytest.mark.django_db
def test_inserting_a_row_before_the_first_is_named(trail):
    sql(
        f"INSERT INTO {TABLE} (region_id, seq, at, actor_id, actor_name, action, object_type, object_id,"
        f" object_repr, before, after, data, client_address, mac, prev_hash, hash)"
        f" SELECT region_id, 0, at, actor_id, actor_name, action, object_type, object_id, object_repr,"
        f" before, after, data, client_address, mac, prev_hash, hash FROM {TABLE} WHERE seq = 1"
    )
    verify_fails_naming(0, "inserted out of order")


def test_chain_verify_pure_cases():
    key = b"k" * 32
    rows = []
    prev = chain.GENESIS
    for seq in range(1, 6):
        content = {"action": "x", "n": seq}
        mac = chain.entry_mac(key, content)
        h = chain.link(key, prev, seq, mac)
        rows.append((seq, prev, h, mac, content))
        prev = h
    assert chain.verify(key, rows) is None
    assert chain.verify(b"other key" * 4, rows) == chain.Break(
        1, "entry 1 was altered: its content does not match its MAC"
    )
    assert chain.verify(key, rows[:2] + rows[4:]) == chain.Break(
        3, "entries 3..4 were removed before entry 5"
    )
    assert chain.verify(key, rows[2:], base_seq=2, base_hash=rows[1][2]) is None  # after a purge through 2
    altered = list(rows)
    altered[1] = (2, rows[1][1], rows[1][2], rows[1][3], {"action": "y", "n": 2})
    assert chain.verify(key, altered) == chain.Break(
        2, "entry 2 was altered: its content does not match its MAC"
    )
    rehashed = list(rows)
    rehashed[1] = (2, rows[1][1], "e" * 64, rows[1][3], rows[1][4])
    assert chain.verify(key, rehashed) == chain.Break(
        2, "entry 2 was altered: its chain hash is not the audit key's"
    )
    relinked = list(rows)
    relinked[3] = (4, rows[1][2], *rows[3][2:])  # entry 4 follows entry 2: 3 looks slipped in
    assert chain.verify(key, relinked) == chain.Break(
        3, "entry 3 was inserted out of order: entry 4 links past it"
    )
    unlinked = list(rows)
    unlinked[3] = (4, "f" * 64, *rows[3][2:])
    assert chain.verify(key, unlinked) == chain.Break(
        4, "entry 4 does not link to entry 3 (inserted or reordered)"
    )
    assert chain.verify_unchained(key, [(7, rows[0][3], rows[0][4])]) is None
    assert chain.verify_unchained(key, [(7, rows[0][3], rows[1][4])]) == chain.Break(
        0, "its content does not match its MAC (altered before it was chained)", 7
    )


@pytest.mark.django_db
def test_only_the_audit_admin_reads_the_trail(p, trail):
    assert Entry.objects.visible_to(p.auditor).count() == trail
    for other in (p.reporter_a, p.head_a, p.reporter_b, p.leader, p.officer, p.officer2, None):
        assert Entry.objects.visible_to(other).count() == 0


@pytest.mark.django_db
def test_nobody_edits_the_trail_through_the_application(p, trail):
    entry = Entry.objects.get(seq=1)
    entry.actor_name = "改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        Entry.objects.filter(seq=1).update(actor_name="改")
    with pytest.raises(PermissionError):
        Entry.objects.all().delete()
    with pytest.raises(PermissionError):
        Entry.objects.bulk_update([entry], ["actor_name"])
    with pytest.raises(PermissionError):
        Entry.objects.bulk_create([Entry(at=entry.at, action="x")])
    with pytest.raises(PermissionError):
        Entry.objects.create(at=entry.at, action="x")
    # Deleting a user whose acts are on the trail would rewrite their entries: refused.
    with pytest.raises(ProtectedError):
        p.officer.delete()
    # No Django admin to edit it from either.
    assert "django.contrib.admin" not in django_settings.INSTALLED_APPS
    with pytest.raises(NoReverseMatch):
        reverse("admin:index")
    assert Entry.objects.count() == trail
    call_command("audit", "verify")


@pytest.mark.django_db
def test_record_refuses_unknown_codes_and_keeps_the_client_address():
    with pytest.raises(ValueError):
        record(None, "work.task.teleported")
    token = client_address.set("10.1.2.3")
    try:
        entry = record(
            None, "jobs.tick.ran", data={"on": date(2024, 6, 1)}, object_type="tick", object_id="1"
        )
    finally:
        client_address.reset(token)
    stored = Entry.objects.get(pk=entry.pk)
    assert stored.client_address == "10.1.2.3" and stored.data == {"on": "2024-06-01"}
    assert stored.actor_name == "system"
    assert verify_chain() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_luoshi_audit_verify_as_a_process_exits_non_zero(p):
    """The real console command in its own process, against the test database (its own anchor
    directory too: a process of its own does not see the test's settings)."""
    run_services(p)
    assert not Entry.objects.filter(seq__isnull=True).exists()  # committed, so chained after commit
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = os.environ | {
        "DATABASE_URL": url,
        "LUOSHI_AUDIT_ANCHOR_DIR": django_settings.LUOSHI_AUDIT_ANCHOR_DIR,
    }
    cmd = [sys.executable, "-m", "luoshi", "audit", "verify"]
    ok = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "audit chain OK" in ok.stdout
    target = Entry.objects.get(action="work.task.updated")
    sql(f"UPDATE {TABLE} SET actor_name = %s WHERE seq = %s", ["冒名", target.seq])
    bad = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert f"BROKEN at entry {target.seq}:" in bad.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_chaining_in_the_background_thread_chains_what_writers_committed_in_order(p, settings):
    """With LUOSHI_AUDIT_CHAIN_IN_BACKGROUND (production's default) a writer's commit only wakes the
    process's chaining thread; the thread chains every committed entry, gapless and in the order
    written, and the trail verifies."""
    import threading
    import time

    from luoshi.audit import background

    settings.LUOSHI_AUDIT_CHAIN_IN_BACKGROUND = True
    started = threading.Event()
    real_wake = background.wake

    def wake() -> None:
        started.set()
        real_wake()

    try:
        background.wake = wake  # type: ignore[assignment]
        run_services(p)
        assert started.is_set()
        deadline = time.monotonic() + 10
        while Entry.objects.filter(seq__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        background.wake = real_wake  # type: ignore[assignment]
        background.stop()
    assert not Entry.objects.filter(seq__isnull=True).exists()
    entries = list(Entry.objects.order_by("region_id", "seq").values_list("region_id", "seq", "id"))
    for region in {r for r, _s, _i in entries}:
        mine = [(s, i) for r, s, i in entries if r == region]
        assert [s for s, _i in mine] == list(range(1, len(mine) + 1))  # gapless per region
        assert [i for _s, i in mine] == sorted(i for _s, i in mine)  # in the order written
    assert verify_chain() is None


def _recorded_address(settings, monkeypatch, trusted: str, remote: str, forwarded: str | None) -> str:  # type: ignore[no-untyped-def]
    """The client address the audit entry of one request gets, through the real middleware."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from luoshi.audit.middleware import RequestContextMiddleware
    from luoshi.lib.env import env_networks

    monkeypatch.setenv("LUOSHI_TRUSTED_PROXIES", trusted)
    settings.LUOSHI_TRUSTED_PROXIES = env_networks("LUOSHI_TRUSTED_PROXIES")
    extra = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    request = RequestFactory().get("/", **extra)
    made: list[Entry] = []

    def view(request):  # type: ignore[no-untyped-def]
        made.append(record(None, "jobs.tick.ran", object_type="tick", object_id="1"))
        return HttpResponse()

    RequestContextMiddleware(view)(request)
    return Entry.objects.get(pk=made[0].pk).client_address


@pytest.mark.django_db
def test_forwarded_client_address_is_believed_only_from_trusted_proxies(settings, monkeypatch):  # type: ignore[no-untyped-def]
    # Default: no proxy is trusted, a client's own X-Forwarded-For is ignored.
    assert django_settings.LUOSHI_TRUSTED_PROXIES == []
    assert _recorded_address(settings, monkeypatch, "", "203.0.113.9", "10.9.9.9") == "203.0.113.9"
    assert _recorded_address(settings, monkeypatch, "", "203.0.113.9", None) == "203.0.113.9"
    # A client that is not a trusted proxy cannot forge its address either.
    assert _recorded_address(settings, monkeypatch, "10.0.0.0/8", "203.0.113.9", "1.2.3.4") == "203.0.113.9"
    # Behind a trusted proxy: the address the proxy saw, not what the client wrote before it.
    assert (
        _recorded_address(settings, monkeypatch, "10.0.0.5", "10.0.0.5", "1.2.3.4, 198.51.100.7")
        == "198.51.100.7"
    )
    # Two trusted proxies (a network and an address), read from the right.
    chain = "1.2.3.4, 198.51.100.7, 10.1.0.3"
    assert (
        _recorded_address(settings, monkeypatch, "10.1.0.0/16,127.0.0.1", "127.0.0.1", chain)
        == "198.51.100.7"
    )
    # Garbage in the header ends at the proxy that passed it on; a trusted proxy without a header
    # is the client itself.
    long_junk = "x" * 200
    assert (
        _recorded_address(settings, monkeypatch, "10.0.0.5", "10.0.0.5", f"1.2.3.4, {long_junk}")
        == "10.0.0.5"
    )
    assert _recorded_address(settings, monkeypatch, "10.0.0.5", "10.0.0.5", None) == "10.0.0.5"
    assert _recorded_address(settings, monkeypatch, "::1", "::1", "2001:db8::1") == "2001:db8::1"


def test_trusted_proxies_setting_refuses_what_is_not_an_address(monkeypatch):  # type: ignore[no-untyped-def]
    from luoshi.lib.env import ConfigError, env_networks

    monkeypatch.setenv("LUOSHI_TRUSTED_PROXIES", "10.0.0.1, nginx")
    with pytest.raises(ConfigError) as exc:
        env_networks("LUOSHI_TRUSTED_PROXIES")
    assert "LUOSHI_TRUSTED_PROXIES" in str(exc.value) and "nginx" in str(exc.value)
