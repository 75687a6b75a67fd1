"""Issue 16: the keyed, anchored trail. `luoshi audit verify` reports an edited entry, a deleted
middle entry, a deleted newest entry, a rewritten-and-rehashed tail and a restore of an older
backup (the real `luoshi restore` of one is in test_backup.py); entries not chained yet are
covered; checkpoints are signed, never overwritten, and due on a schedule."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from luoshi.audit import anchor, chain
from luoshi.audit.keys import chain_key
from luoshi.audit.models import Entry
from luoshi.audit.sequencer import chain_pending
from luoshi.audit.services import record, verify_chain
from tests.audit.test_audit import TABLE, run_services, sql


def verify_problem() -> str:
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    return str(exc.value)


def tick(n: int = 3) -> None:
    for i in range(n):
        record(None, "jobs.tick.ran", object_type="tick", object_id=str(i))


@pytest.fixture
def anchored(p):  # type: ignore[no-untyped-def]
    """A trail of some entries, chained, with a signed checkpoint over all of them."""
    run_services(p)
    cp = anchor.write_checkpoint()
    assert cp.count == Entry.objects.count() >= 10
    return cp


@pytest.mark.django_db
def test_verify_passes_and_names_the_checkpoint(anchored, capsys):
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"matches checkpoint {anchored.name} ({anchored.count} entries)" in out
    files = anchor.checkpoint_files()
    assert [f.name for f in files] == [anchored.name]
    doc = json.loads(files[0].read_text())
    head = Entry.objects.get(seq=anchored.count)
    assert doc["count"] == anchored.count
    assert doc["regions"] == {str(head.region_id): {"count": anchored.count, "head": head.hash}}
    assert doc["signature"] and doc["key"]


@pytest.mark.django_db
def test_an_edited_entry_is_reported(anchored):
    target = Entry.objects.get(seq=anchored.count // 2)
    sql(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = %s", ["篡改", target.seq])
    assert f"BROKEN at entry {target.seq}: entry {target.seq} was altered" in verify_problem()


@pytest.mark.django_db
def test_a_deleted_middle_entry_is_reported(anchored):
    middle = anchored.count // 2
    sql(f"DELETE FROM {TABLE} WHERE seq = %s", [middle])
    assert f"BROKEN at entry {middle}: entry {middle} was removed" in verify_problem()


@pytest.mark.django_db
def test_a_deleted_newest_entry_is_reported(anchored):
    n = anchored.count
    sql(f"DELETE FROM {TABLE} WHERE seq = %s", [n])
    assert verify_chain() is None  # the chain alone cannot see it
    problem = verify_problem()
    assert f"BROKEN at entry {n}: the chain ends at entry {n - 1}" in problem
    assert f"entries {n}..{n} were deleted" in problem and anchored.name in problem


@pytest.mark.django_db
def test_fifty_newest_entries_deleted_are_reported(p):
    run_services(p)
    tick(50)
    cp = anchor.write_checkpoint()
    sql(f"DELETE FROM {TABLE} WHERE seq > %s", [cp.count - 50])
    assert f"entries {cp.count - 49}..{cp.count} were deleted" in verify_problem()


@pytest.mark.django_db
def test_a_rewritten_and_rehashed_tail_is_reported(anchored):
    """Rewrite one entry and recompute every later hash: without the key the entry itself is
    reported; with the key (stolen) the chain holds but the signed checkpoint does not."""
    k = anchored.count // 2
    key = chain_key()

    def rewrite(with_key: bytes | None) -> None:
        prev = Entry.objects.get(seq=k - 1).hash
        for e in Entry.objects.filter(seq__gte=k).order_by("seq"):
            content = e.content() | ({"object_repr": "改写"} if e.seq == k else {})
            if with_key is None:  # the old unkeyed SM3 scheme: all a forger without the key can do
                mac = chain.sm3_hex(chain.canonical(content))
                h = chain.sm3_hex(f"{prev}|{e.seq}|{mac}".encode())
            else:
                mac = chain.entry_mac(with_key, content)
                h = chain.link(with_key, prev, e.seq, mac)
            sql(
                f"UPDATE {TABLE} SET object_repr = %s, mac = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [content["object_repr"], mac, prev, h, e.seq],
            )
            prev = h

    rewrite(None)
    assert f"BROKEN at entry {k}: entry {k} was altered" in verify_problem()
    rewrite(key)
    assert verify_chain() is None
    problem = verify_problem()
    assert f"BROKEN at entry {anchored.count}: its hash is not the one in the signed checkpoint" in problem
    assert "rewritten" in problem


@pytest.mark.django_db
def test_a_restore_of_an_older_backup_is_reported(p):
    """The database goes back to what a backup held (its entries end earlier) while the anchor
    directory keeps the checkpoints written since; `luoshi restore` itself is in test_backup.py."""
    run_services(p)
    at_backup = anchor.write_checkpoint().count
    tick(5)
    later = anchor.write_checkpoint()
    sql(f"DELETE FROM {TABLE} WHERE seq > %s", [at_backup])  # the rows as the older backup had them
    problem = verify_problem()
    assert f"the chain ends at entry {at_backup} but the signed checkpoint {later.name}" in problem
    assert "an older backup was restored" in problem


@pytest.mark.django_db
def test_entries_not_chained_yet_are_covered(anchored):
    tick(2)
    pending = list(Entry.objects.filter(seq__isnull=True).order_by("id"))
    assert len(pending) == 2  # the test's transaction never commits: nothing chained them
    call_command("audit", "verify")
    sql(f"UPDATE {TABLE} SET object_id = %s WHERE id = %s", ["99", pending[0].pk])
    assert f"BROKEN at unchained entry id {pending[0].pk}" in verify_problem()


@pytest.mark.django_db
def test_a_forged_or_edited_checkpoint_is_reported(anchored):
    path = anchor.checkpoint_files()[-1]
    doc = json.loads(path.read_text())
    path.write_text(json.dumps(doc | {"count": doc["count"] - 1}))
    assert "does not carry the audit signing key's signature" in verify_problem()


@pytest.mark.django_db
def test_checkpoints_are_added_never_overwritten_and_due_on_schedule(p, settings):
    assert not anchor.checkpoint_due()  # nothing to anchor
    run_services(p)
    chain_pending()
    assert anchor.checkpoint_due()
    first = anchor.write_checkpoint()
    assert not anchor.checkpoint_due()  # the chain has not moved
    tick(1)
    chain_pending()
    assert not anchor.checkpoint_due()  # moved, but the last checkpoint is recent
    assert anchor.checkpoint_due(timezone.now() + timedelta(seconds=settings.LUOSHI_AUDIT_CHECKPOINT_SECONDS))
    second = anchor.write_checkpoint()
    assert [f.name for f in anchor.checkpoint_files()] == [first.name, second.name]
    with pytest.raises(FileExistsError):
        with open(Path(settings.LUOSHI_AUDIT_ANCHOR_DIR) / second.name, "x"):
            pass


@pytest.mark.django_db
def test_the_periodic_step_chains_and_anchors(p):
    from luoshi.audit.tasks import chain_and_anchor

    run_services(p)
    n = Entry.objects.count()
    assert chain_and_anchor.call_local() == n
    assert not Entry.objects.filter(seq__isnull=True).exists()
    assert anchor.last_checkpoint().count == n  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_entries_are_chained_after_commit_in_order(p):
    with transaction.atomic():
        first = record(None, "jobs.tick.ran", object_type="tick", object_id="a")
        second = record(None, "jobs.tick.ran", object_type="tick", object_id="b")
        assert Entry.objects.get(pk=first.pk).seq is None  # not before commit
    chained = dict(Entry.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "seq"))
    assert chained[second.pk] == chained[first.pk] + 1
    assert not Entry.objects.filter(seq__isnull=True).exists()
    record(None, "jobs.tick.ran", object_type="tick", object_id="c")  # outside a transaction too
    assert Entry.objects.get(object_id="c").seq == chained[second.pk] + 1
    assert verify_chain() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_appending_takes_no_global_lock(p):
    """A writer holding its transaction open does not hold up another writer's append and commit
    (the old chain lock made the second wait until the first committed)."""
    assert connection.vendor == "postgresql"
    done = threading.Event()
    errors: list[BaseException] = []

    def other_writer() -> None:
        try:
            with transaction.atomic():
                record(None, "jobs.tick.ran", object_type="tick", object_id="other")
            done.set()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        mine = record(None, "jobs.tick.ran", object_type="tick", object_id="mine")
        t = threading.Thread(target=other_writer)
        t.start()
        assert done.wait(15), "the other writer waited for this transaction: appends are serialised"
        t.join(15)
    assert not errors
    chain_pending()
    other = Entry.objects.get(object_id="other")
    assert other.seq is not None and Entry.objects.get(pk=mine.pk).seq == other.seq + 1  # committed first
    assert verify_chain() is None


def test_production_mode_refuses_to_start_without_the_audit_keys(tmp_path):
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_AUDIT")}
    base |= {"LUOSHI_PRODUCTION": "1", "LUOSHI_SECRET_KEY": "x" * 50, "LUOSHI_DATA_DIR": str(tmp_path)}
    code = "import luoshi.settings"
    root = Path(__file__).resolve().parent.parent.parent

    def start(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=base | env, capture_output=True, text=True, timeout=60
        )

    assert "LUOSHI_AUDIT_KEY is not" in start().stderr
    assert "LUOSHI_AUDIT_SIGNING_KEY is not" in start(LUOSHI_AUDIT_KEY="k" * 40).stderr
    full = {
        "LUOSHI_AUDIT_KEY": "k" * 40,
        "LUOSHI_AUDIT_SIGNING_KEY": "/k.pem",
        "LUOSHI_AUDIT_ANCHOR_DIR": "/a",
    }
    assert "at least 32" in start(**(full | {"LUOSHI_AUDIT_KEY": "short"})).stderr
    assert "at least 180" in start(**(full | {"LUOSHI_AUDIT_RETENTION_DAYS": "90"})).stderr
    assert django_settings.LUOSHI_AUDIT_RETENTION_DAYS >= 180


@pytest.mark.django_db
def test_keygen_and_configured_keys_sign_and_verify(p, tmp_path, settings, capsys):
    call_command("audit", "keygen", str(tmp_path / "keys"))
    priv, pub = tmp_path / "keys" / "audit-signing.pem", tmp_path / "keys" / "audit-verify.pem"
    assert oct(priv.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CommandError):
        call_command("audit", "keygen", str(tmp_path / "keys"))  # never overwritten
    settings.LUOSHI_AUDIT_SIGNING_KEY, settings.LUOSHI_AUDIT_VERIFY_KEY = str(priv), str(pub)
    run_services(p)
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    # A checkpoint signed with another key (the development one) is not believed.
    settings.LUOSHI_AUDIT_VERIFY_KEY = ""
    settings.LUOSHI_AUDIT_SIGNING_KEY = ""
    assert "does not carry the audit signing key's signature" in verify_problem()
