"""Sensitive fields encrypted at rest with SM4-GCM (issue 16, item 5): round trip, tamper and
wrong-key refusal, key rotation, no plaintext in the raw columns, lookups by the keyed hash, the
data migration both ways, and production mode refusing to start without keys. Runs on both
databases."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import TextField, Value
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from luoshi.audit.models import Entry
from luoshi.enterprises import services as ent_services
from luoshi.lib import crypto_fields as cf
from luoshi.lib.env import ConfigError
from luoshi.org.models import Person
from luoshi.org.services import person_create
from luoshi.org.services_manage import person_update
from tests.appeals.conftest import file
from tests.factories import Personas
from tests.helpers import client_for

ROOT = Path(__file__).resolve().parents[2]
K1 = "k1:" + "11" * 16
K2 = "k2:" + "22" * 16


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cur.fetchone()[0]


@given(st.text(max_size=60))
@hsettings(max_examples=60, deadline=None)
def test_round_trip_of_any_text(value: str) -> None:
    stored = cf.encrypt(value)
    assert cf.decrypt(stored) == value
    assert value == "" or stored.startswith("sm4g1:dev:")


def test_each_value_gets_its_own_nonce() -> None:
    a, b = cf.encrypt("13800001234"), cf.encrypt("13800001234")
    assert a != b and cf.decrypt(a) == cf.decrypt(b) == "13800001234"


def test_tampering_is_detected() -> None:
    stored = cf.encrypt("110101199003071234")
    prefix, kid, b64 = stored.split(":", 2)
    blob = bytearray(base64.b64decode(b64))
    for i in (0, 13, len(blob) - 1):  # nonce, body, tag
        bad = bytearray(blob)
        bad[i] ^= 0x01
        with pytest.raises(cf.DecryptionError):
            cf.decrypt(f"{prefix}:{kid}:" + base64.b64encode(bytes(bad)).decode())
    with pytest.raises(cf.DecryptionError):
        cf.decrypt(f"{prefix}:{kid}:" + base64.b64encode(bytes(blob[:20])).decode())
    with pytest.raises(cf.DecryptionError):
        cf.decrypt("13800001234")  # plaintext where ciphertext belongs


def test_wrong_key_and_unknown_key_are_refused(settings: Any) -> None:
    settings.LUOSHI_FIELD_KEYS = K1
    stored = cf.encrypt("13800001234")
    settings.LUOSHI_FIELD_KEYS = "k1:" + "33" * 16  # same id, another key
    with pytest.raises(cf.DecryptionError, match="authentication"):
        cf.decrypt(stored)
    settings.LUOSHI_FIELD_KEYS = K2
    with pytest.raises(cf.DecryptionError, match="no key 'k1'"):
        cf.decrypt(stored)
    # Relabelling the value with another key id is caught too (the id is authenticated).
    settings.LUOSHI_FIELD_KEYS = f"{K2},k1:" + "22" * 16
    with pytest.raises(cf.DecryptionError):
        cf.decrypt(stored.replace(":k1:", ":k2:", 1))


@pytest.mark.parametrize(
    "raw_keys, message",
    [
        ("", "no key"),
        ("k1", "id:hexkey"),
        ("k1:zz", "not hexadecimal"),
        ("k1:0011", "16 bytes"),
        (f"{K1},{K1}", "listed twice"),
        ("bad id:" + "11" * 16, "id:hexkey"),
    ],
)
def test_bad_key_lists_are_refused(raw_keys: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        cf.parse_keys(raw_keys)


@pytest.mark.django_db
def test_rotation_old_rows_still_decrypt_and_new_rows_use_the_new_key(settings: Any) -> None:
    settings.LUOSHI_FIELD_KEYS = K1
    old = person_create(actor=None, name="张三", phone="13800001111", audit=False)
    assert cf.key_id_of(raw("org_person", "phone", old.pk)) == "k1"
    settings.LUOSHI_FIELD_KEYS = f"{K2},{K1}"
    new = person_create(actor=None, name="李四", phone="13900002222", audit=False)
    assert cf.key_id_of(raw("org_person", "phone", new.pk)) == "k2"
    by_pk = dict(Person.objects.values_list("pk", "phone"))
    assert by_pk[old.pk] == "13800001111" and by_pk[new.pk] == "13900002222"
    # Re-saving moves an old row to the new key; the lookup hash does not change.
    hash_before = Person.objects.get(pk=old.pk).phone_hash
    Person.objects.get(pk=old.pk).save()
    assert cf.key_id_of(raw("org_person", "phone", old.pk)) == "k2"
    assert Person.objects.get(pk=old.pk).phone_hash == hash_before
    settings.LUOSHI_FIELD_KEYS = K2  # the old key retired: everything still reads
    assert set(Person.objects.values_list("phone", flat=True)) >= {"13800001111", "13900002222"}


@pytest.mark.django_db
def test_raw_columns_hold_no_plaintext(p: Personas) -> None:
    person = person_create(actor=p.officer, name="王五", phone="13712345678")
    ent = ent_services.enterprise_create(
        actor=p.officer,
        name="示范精密制造有限公司",
        credit_code="914403001922038216",
        industry="制造业",
        size="medium",
        unit=p.unit_a,
        phone="0512-66001234",
    )
    from luoshi.appeals.models import Service

    service = Service.objects.create(
        code="permit", name="审批服务", group="政务服务", unit=p.unit_a, sla_hours=72
    )
    appeal = file(service, phone="13698765432", email="Boss@Example.com")
    stored = {
        "13712345678": raw("org_person", "phone", person.pk),
        "0512-66001234": raw("enterprises_enterprise", "phone", ent.pk),
        "13698765432": raw("appeals_appeal", "phone", appeal.pk),
        "Boss@Example.com": raw("appeals_appeal", "email", appeal.pk),
    }
    for plain, column in stored.items():
        assert (
            column.startswith("sm4g1:") and plain not in column and plain[-4:] not in column.split(":", 2)[2]
        )
        assert cf.decrypt(column) == plain
    # The audit trail is no plain copy of the encrypted columns either.
    person_update(actor=p.officer, person=person, phone="13700000000")
    entries = " ".join(f"{e.before} {e.after}" for e in Entry.objects.filter(action="org.person.updated"))
    assert "13712345678" not in entries and "13700000000" not in entries and "137****0000" in entries
    reloaded = Person.objects.get(pk=person.pk)
    assert reloaded.phone == "13700000000" and reloaded.phone_hash == cf.blind_index("137 0000 0000")


@pytest.mark.django_db
def test_lookups_by_the_keyed_hash(p: Personas) -> None:
    person = person_create(actor=p.officer, name="赵六", phone="138-0000-4321")
    assert person.phone_hash == cf.blind_index("+86 138 0000 4321") != ""
    assert Person.objects.filter(phone_hash=cf.blind_index("13800004321")).get() == person
    assert not Person.objects.filter(phone_hash=cf.blind_index("13800004322")).exists()
    assert cf.blind_index("") == "" and cf.blind_index("—") == ""
    from luoshi.appeals.models import Appeal, Service

    service = Service.objects.create(
        code="permit", name="审批服务", group="政务服务", unit=p.unit_a, sla_hours=72
    )
    appeal = file(service, phone="", email=" Boss@Example.com ")
    hit = Appeal.objects.filter(email_hash=cf.blind_index("boss@example.com", cf.normalise_text))
    assert list(hit) == [appeal] and appeal.phone_hash == ""
    # The people page's search by number goes through the hash, and the list masks the number.
    client = client_for(p.officer)
    page = client.get("/org/people/", {"q": "+86 13800004321"}).content.decode()
    assert "赵六" in page and "138-****-4321" in page and "138-0000-4321" not in page
    assert "赵六" not in client.get("/org/people/", {"q": "13800004322"}).content.decode()


def test_masks() -> None:
    assert cf.mask_phone("13812341234") == "138****1234"
    assert cf.mask_phone("0512-66001234") == "051*-****1234"
    assert cf.mask_phone("110") == "*10" and cf.mask_phone("") == ""
    assert cf.mask_email("boss@example.com") == "b***@example.com"
    assert cf.masked({"phone": "13812341234", "name": "x", "email": ""}) == {
        "phone": "138****1234",
        "name": "x",
        "email": "",
    }


@pytest.mark.django_db(transaction=False)
def test_data_migration_encrypts_existing_rows_and_back(p: Personas) -> None:
    person = person_create(actor=None, name="钱七", phone="13811112222", audit=False)
    # A row as it was before the migration: plaintext in the column, no hash.
    Person.objects.filter(pk=person.pk).update(
        phone=Value("13811112222", output_field=TextField()), phone_hash=""
    )
    assert raw("org_person", "phone", person.pk) == "13811112222"
    forward, backward = cf.migration_encrypt("org", "Person", {"phone": "phone"})
    forward(apps, None)
    stored = raw("org_person", "phone", person.pk)
    assert cf.is_encrypted(stored) and cf.decrypt(stored) == "13811112222"
    assert Person.objects.get(pk=person.pk).phone_hash == cf.blind_index("13811112222")
    forward(apps, None)  # running twice does not encrypt twice
    assert Person.objects.get(pk=person.pk).phone == "13811112222"
    backward(apps, None)
    assert raw("org_person", "phone", person.pk) == "13811112222"
    assert raw("org_person", "phone", p.officer.person.pk) == ""  # empty stays empty


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k not in {"DATABASE_URL", "DB"}
    }
    prod = {
        "LUOSHI_PRODUCTION": "1",
        "LUOSHI_SECRET_KEY": "x" * 50,
        "LUOSHI_AUDIT_KEY": "a" * 64,
        "LUOSHI_AUDIT_SIGNING_KEY": "/nonexistent/key.pem",
        "LUOSHI_AUDIT_ANCHOR_DIR": "/tmp/luoshi-anchor-test",
        "LUOSHI_DATA_DIR": "/tmp/luoshi-settings-test",
    }
    return subprocess.run(
        [sys.executable, "-c", "import luoshi.settings as s; print(s.LUOSHI_FIELD_KEYS)"],
        cwd=ROOT,
        env=clean | prod | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_to_start_without_field_keys() -> None:
    missing = _load_settings()
    assert missing.returncode != 0 and "LUOSHI_FIELD_KEYS" in missing.stderr
    no_hash = _load_settings(LUOSHI_FIELD_KEYS=K1)
    assert no_hash.returncode != 0 and "LUOSHI_FIELD_HASH_KEY" in no_hash.stderr
    bad = _load_settings(LUOSHI_FIELD_KEYS="k1:0011", LUOSHI_FIELD_HASH_KEY="h" * 64)
    assert bad.returncode != 0 and "16 bytes" in bad.stderr
    ok = _load_settings(LUOSHI_FIELD_KEYS=K1, LUOSHI_FIELD_HASH_KEY="h" * 64)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == K1


@pytest.mark.django_db
def test_reencrypt_fields_moves_every_row_to_the_new_key(settings: Any) -> None:
    from django.core.management import call_command

    settings.LUOSHI_FIELD_KEYS = K1
    a = person_create(actor=None, name="孙八", phone="13800003333", audit=False)
    b = person_create(actor=None, name="周九", phone="", audit=False)
    settings.LUOSHI_FIELD_KEYS = f"{K2},{K1}"
    out = StringIO()
    call_command("reencrypt_fields", stdout=out)
    assert "org.Person: 1 rows re-encrypted under key k2" in out.getvalue()
    assert cf.key_id_of(raw("org_person", "phone", a.pk)) == "k2" and raw("org_person", "phone", b.pk) == ""
    assert Entry.objects.filter(action="audit.fields.reencrypted").exists()
    settings.LUOSHI_FIELD_KEYS = K2
    assert Person.objects.get(pk=a.pk).phone == "13800003333"
    # A new hash key: --rehash recomputes, and lookups work under the new key.
    settings.LUOSHI_FIELD_HASH_KEY = "n" * 64
    assert not Person.objects.filter(phone_hash=cf.blind_index("13800003333")).exists()
    call_command("reencrypt_fields", "--rehash", stdout=StringIO())
    assert Person.objects.get(phone_hash=cf.blind_index("13800003333")) == a
    # Without the key a value was written under, nothing changes and the command says why.
    settings.LUOSHI_FIELD_KEYS = K1
    with pytest.raises(CommandError, match="keep every old key"):
        call_command("reencrypt_fields", stdout=StringIO())
    settings.LUOSHI_FIELD_KEYS = K2
    assert Person.objects.get(pk=a.pk).phone == "13800003333"
