"""Issue 17: a chain per region (docs/scaling.md, "The audit chain"). Each entry takes its region in
the one INSERT that appends it; each region's `seq` is gapless and its hashes link within the region;
checkpoints sign every region's head; an edit, a truncated or rewritten tail and an older backup in
region B's chain are reported naming region B, while region A's chain still verifies."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from luoshi.audit import anchor, chain, keys
from luoshi.audit.keys import chain_key
from luoshi.audit.models import NO_REGION, Entry, Purge
from luoshi.audit.retention import purges
from luoshi.audit.sequencer import chain_pending, head
from luoshi.audit.services import record, verify_chain
from luoshi.org.access import context_for
from luoshi.org.models import Unit, UnitCategory
from luoshi.work.services import report_submit
from tests.audit.test_anchor import verify_problem
from tests.audit.test_audit import TABLE, run_services, sql
from tests.factories import Personas, make_unit, make_user


def second_district(p: Personas) -> Unit:
    return make_unit("第二区", category=UnitCategory.DISTRICT, parent=p.district, code="D2")


def region_b_services(p: Personas, b: Unit) -> None:
    plan = p.plan(owner_unit=b)
    task = p.task(plan, title="第二区任务")
    report_submit(actor=p.reporter_a, task=task, percent=20, narrative="进展")


@pytest.fixture
def two(p):  # type: ignore[no-untyped-def]
    """Entries in two regions (the personas' district A, the second district B), interleaved, chained
    and anchored: (A's id, B's id, the checkpoint)."""
    b = second_district(p)
    run_services(p)
    region_b_services(p, b)
    record(None, "jobs.tick.ran", object_type="tick", object_id="a")
    region_b_services(p, b)
    cp = anchor.write_checkpoint()
    return p.district.pk, b.pk, cp


def chain_of(region: int) -> list[tuple[int, str, str]]:
    return list(
        Entry.objects.filter(region_id=region).order_by("seq").values_list("seq", "prev_hash", "hash")
    )


@pytest.mark.django_db
def test_an_entry_takes_its_object_s_region_in_one_insert(p, django_assert_num_queries):
    b = second_district(p)
    plan = p.plan(owner_unit=b)
    task = p.task(plan)
    with django_assert_num_queries(1):  # the INSERT alone: the task carries its region
        on_task = record(task, "jobs.tick.ran")
    with django_assert_num_queries(1):  # no region on the object: the INSERT finds the root's
        plain = record(None, "jobs.tick.ran", object_type="tick", object_id="1")
    unit_b = Unit.objects.get(pk=b.pk)
    with django_assert_num_queries(1):
        on_unit = record(unit_b, "jobs.tick.ran")
    officer_b = make_user("officer_b", unit=b, name="乙")
    context_for(officer_b)  # loaded already, as on any page: the actor's unit is known
    with django_assert_num_queries(1):
        by_actor = record(None, "jobs.tick.ran", actor=officer_b, object_type="tick", object_id="2")
    stored = dict(
        Entry.objects.filter(pk__in=[on_task.pk, plain.pk, on_unit.pk, by_actor.pk]).values_list(
            "pk", "region_id"
        )
    )
    assert stored == {on_task.pk: b.pk, plain.pk: p.district.pk, on_unit.pk: b.pk, by_actor.pk: b.pk}
    assert plain.region_id == p.district.pk  # read back when first used
    assert set(
        Entry.objects.filter(object_type="work.plan", object_id=str(plan.pk)).values_list(
            "region_id", flat=True
        )
    ) == {b.pk}


@pytest.mark.django_db
def test_entries_before_any_unit_go_to_no_region_and_verify():
    entry = record(None, "jobs.tick.ran", object_type="tick", object_id="1")
    assert Entry.objects.get(pk=entry.pk).region_id == NO_REGION
    chain_pending()
    assert head(NO_REGION)[0] == 1 and verify_chain() is None


@pytest.mark.django_db
def test_each_region_has_a_gapless_chain_of_its_own(two, capsys):
    a, b, cp = two
    for region in (a, b):
        rows = chain_of(region)
        assert [s for s, _p, _h in rows] == list(range(1, len(rows) + 1))
        prev = chain.GENESIS
        for _seq, prev_hash, h in rows:
            assert prev_hash == prev
            prev = h
    assert len(chain_of(b)) >= 6 and not Entry.objects.exclude(region_id__in=[a, b]).exists()
    doc = json.loads(anchor.checkpoint_files()[-1].read_text())
    assert doc["regions"] == {
        str(a): {"count": len(chain_of(a)), "head": chain_of(a)[-1][2]},
        str(b): {"count": len(chain_of(b)), "head": chain_of(b)[-1][2]},
    }
    assert cp.count == Entry.objects.count() == doc["count"]
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"region 示范区 #{a}: OK, {len(chain_of(a))} entries" in out
    assert f"region 第二区 #{b}: OK, {len(chain_of(b))} entries" in out
    assert "in 2 region chain(s); matches checkpoint" in out


def problem_in_b_only(b: int, words: str) -> str:
    problem = verify_problem()
    assert f"region 第二区 #{b}: BROKEN at entry" in problem, problem
    assert "示范区" not in problem, problem  # region A's chain still verifies
    assert words in problem, problem
    return problem


@pytest.mark.django_db
def test_an_edited_entry_in_region_b_is_named_as_region_b(two):
    _a, b, _cp = two
    sql(f"UPDATE {TABLE} SET object_repr = %s WHERE region_id = %s AND seq = 2", ["篡改", b])
    problem_in_b_only(b, "BROKEN at entry 2: entry 2 was altered")


@pytest.mark.django_db
def test_an_entry_moved_from_region_b_to_region_a_is_seen_in_both(two):
    a, b, _cp = two
    top_a = head(a)[0]
    sql(f"UPDATE {TABLE} SET region_id = %s, seq = %s WHERE region_id = %s AND seq = 2", [a, top_a + 1, b])
    problem = verify_problem()
    assert f"region 第二区 #{b}: BROKEN at entry 2: entry 2 was removed" in problem
    assert f"region 示范区 #{a}: BROKEN at entry {top_a + 1}" in problem


@pytest.mark.django_db
def test_the_newest_entries_of_region_b_deleted_are_named(two):
    _a, b, cp = two
    n = cp.regions[b][0]
    sql(f"DELETE FROM {TABLE} WHERE region_id = %s AND seq > %s", [b, n - 2])
    assert verify_chain() is None  # the chains alone cannot see it
    problem_in_b_only(b, f"BROKEN at entry {n - 1}: the chain ends at entry {n - 2}")
    assert f"entries {n - 1}..{n} were deleted" in verify_problem()


@pytest.mark.django_db
def test_region_b_s_tail_rewritten_and_rehashed_with_the_key_is_named(two):
    _a, b, cp = two
    key = chain_key()
    k = 2
    prev = Entry.objects.get(region_id=b, seq=k - 1).hash
    for e in Entry.objects.filter(region_id=b, seq__gte=k).order_by("seq"):
        content = e.content() | ({"object_repr": "改写"} if e.seq == k else {})
        mac = chain.entry_mac(key, content)
        h = chain.link(key, prev, e.seq, mac)
        sql(
            f"UPDATE {TABLE} SET object_repr = %s, mac = %s, prev_hash = %s, hash = %s WHERE region_id = %s AND seq = %s",
            [content["object_repr"], mac, prev, h, b, e.seq],
        )
        prev = h
    assert verify_chain() is None
    problem_in_b_only(
        b, f"BROKEN at entry {cp.regions[b][0]}: its hash is not the one in the signed checkpoint"
    )


@pytest.mark.django_db
def test_an_older_backup_of_region_b_restored_is_named(two, p):
    a, b, _cp = two
    at_backup = head(b)[0]
    region_b_services(p, Unit.objects.get(pk=b))
    record(None, "jobs.tick.ran", object_type="tick", object_id="later")
    later = anchor.write_checkpoint()
    assert later.regions[b][0] > at_backup and later.regions[a][0] > _cp.regions[a][0]
    sql(f"DELETE FROM {TABLE} WHERE region_id = %s AND seq > %s", [b, at_backup])
    problem_in_b_only(b, f"the chain ends at entry {at_backup} but the signed checkpoint {later.name}")


@pytest.mark.django_db
def test_a_version_1_checkpoint_is_read_as_the_root_region_s_chain(p, settings):
    """Checkpoints written before regions (one chain) still verify: that chain is the root region's."""
    run_services(p)
    chain_pending()
    count, head_hash = head(p.district.pk)
    private = keys.signing_key()
    payload = {"version": 1, "count": count, "head": head_hash, "at": timezone.now().isoformat(),
               "key": keys.key_id(private.public_key()), "note": None}  # fmt: skip
    doc = payload | {"signature": base64.b64encode(private.sign(chain.canonical(payload))).decode()}
    directory = anchor.anchor_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{anchor.PREFIX}20260101T000000000000Z-{count:012d}.json").write_text(json.dumps(doc))
    call_command("audit", "verify")
    sql(f"DELETE FROM {TABLE} WHERE seq = %s", [count])
    assert f"BROKEN at entry {count}: the chain ends at entry {count - 1}" in verify_problem()


@pytest.mark.django_db
def test_purge_removes_each_region_s_old_entries_on_its_own(db, monkeypatch, tmp_path):
    """Old entries at the start of two regions' chains: one purge per region, each chain verifying
    from its own purge record, and an altered purge record named with its region."""
    then = timezone.now() - timedelta(days=400)
    monkeypatch.setattr("luoshi.audit.services.timezone.now", lambda: then)
    a = make_unit("甲区", category=UnitCategory.DISTRICT)
    b = make_unit("乙区", category=UnitCategory.DISTRICT)
    for unit in (a, b, b, a, b):
        record(unit, "jobs.tick.ran")
    monkeypatch.undo()
    for unit in (a, b, a, b):
        record(unit, "jobs.tick.ran")
    chain_pending()
    cutoff = timezone.now() - timedelta(days=200)
    old = {r: Entry.objects.filter(region_id=r, at__lt=cutoff).count() for r in (a.pk, b.pk)}
    assert old[a.pk] >= 3 and old[b.pk] >= 4
    done = purges(older_than=cutoff, archive=tmp_path / "old.csv")
    assert [(d.region_id, d.through_seq, d.removed) for d in done] == [
        (a.pk, old[a.pk], old[a.pk]),
        (b.pk, old[b.pk], old[b.pk]),
    ]
    assert not Entry.objects.filter(at__lt=cutoff).exists()
    chain_pending()
    call_command("audit", "verify")
    sql(f"UPDATE {Purge._meta.db_table} SET through_seq = through_seq - 1 WHERE region_id = %s", [b.pk])
    problem = verify_problem()
    assert (
        f"region 乙区 #{b.pk}: BROKEN at entry {old[b.pk] - 1}: the record of the retention purge" in problem
    )
    assert "甲区" not in problem


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_busy_sequencer_of_one_region_does_not_hold_up_another_region(p):
    """Region A's sequencer lock held open in another connection: region B's entries are chained,
    A's are left to the holder."""
    assert connection.vendor == "postgresql"
    b = second_district(p)
    chain_pending()
    held, release, errors = threading.Event(), threading.Event(), []

    def sequencer_of_a() -> None:
        from luoshi.audit import sequencer

        try:
            with transaction.atomic():
                assert sequencer._try_lock(p.district.pk)
                held.set()
                release.wait(30)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    t = threading.Thread(target=sequencer_of_a)
    t.start()
    try:
        assert held.wait(15)
        with transaction.atomic():
            in_a = record(None, "jobs.tick.ran", object_type="tick", object_id="a")
            in_b = record(Unit.objects.get(pk=b.pk), "jobs.tick.ran")
        # Chained after commit: B's now, A's waits for A's sequencer.
        assert Entry.objects.get(pk=in_b.pk).seq is not None
        assert Entry.objects.get(pk=in_a.pk).seq is None
    finally:
        release.set()
        t.join(30)
    assert not errors
    chain_pending()
    assert Entry.objects.get(pk=in_a.pk).seq is not None and verify_chain() is None
