"""Import pages: officer-only upload → preview → commit → result, and the progress of large files."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from huey.contrib.djhuey import HUEY

from luoshi.imports.models import BatchState, ImportBatch
from luoshi.imports.services import batch_create
from luoshi.work.models import Plan, Task
from tests.factories import Personas
from tests.helpers import exact_queries, personas
from tests.imports.test_import_tasks import DATA, build_district

pytestmark = pytest.mark.django_db


def login(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes())


@pytest.mark.parametrize("who", personas(but=["officer", "anonymous"]))
def test_only_officers_see_the_import_pages(p: Personas, client: Client, who: str) -> None:
    login(client, getattr(p, who))
    assert client.get("/imports/").status_code == 403
    batch = batch_create(actor=p.officer, kind="org", data=b"x,y\n", filename="a.csv")
    assert client.get(f"/imports/{batch.pk}/").status_code == 403
    assert client.post(f"/imports/{batch.pk}/commit/").status_code == 403


def test_anonymous_is_sent_to_login(p: Personas, client: Client) -> None:
    response = client.get("/imports/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_upload_preview_commit_flow(p: Personas, client: Client, tmp_path: Path) -> None:
    org = build_district(p)
    org["scj"].aliases = "区市场局"
    org["scj"].save()
    plan = p.plan(name="立山2023", year=2023, start=date(2023, 1, 1), due=date(2023, 12, 31))
    login(client, p.officer)
    page = client.get("/imports/")
    assert page.status_code == 200 and "上传并预览" in page.content.decode()

    # The real sample still has its gap at row 11: the preview lists it and offers no commit.
    r = client.post("/imports/", {"kind": "tasks", "plan": plan.pk, "file": upload("lishan2023_tasks.xlsx")})
    assert r.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.REFUSED
    html = client.get(r["Location"]).content.decode()
    assert "缺少牵头单位" in html and 'id="import-commit"' not in html
    assert "经济社会发展的主要预期目标" in html
    assert client.post(f"/imports/{batch.pk}/commit/").status_code == 302
    assert Task.objects.filter(plan=plan).count() == 0

    # Fixed file: preview, then commit, then the result page.
    wb = openpyxl.load_workbook(DATA / "lishan2023_tasks.xlsx")
    wb.active["C11"] = "区发改局"
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post(
        "/imports/", {"kind": "tasks", "plan": plan.pk, "file": upload("lishan.xlsx", buf.getvalue())}
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.READY, batch.preview["problems"]
    html = client.get(r["Location"]).content.decode()
    assert 'id="import-commit"' in html and "新建 8" in html
    assert Task.objects.filter(plan=plan).count() == 0  # the preview wrote nothing
    r = client.post(f"/imports/{batch.pk}/commit/")
    assert r.status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.COMMITTED and batch.result["created"] == 8
    assert Task.objects.filter(plan=plan).count() == 8
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "已新建 8 项任务" in html
    # Committing twice is refused.
    client.post(f"/imports/{batch.pk}/commit/")
    assert Task.objects.filter(plan=plan).count() == 8


def test_new_plan_name_from_the_page(p: Personas, client: Client) -> None:
    build_district(p)
    login(client, p.officer)
    client.post(
        "/imports/", {"kind": "tasks", "plan_name": "霍山2025", "file": upload("huoshan2025_tasks.xlsx")}
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.READY and not Plan.objects.filter(name="霍山2025").exists()
    client.post(f"/imports/{batch.pk}/commit/")
    assert Task.objects.filter(plan__name="霍山2025").count() == 3


def test_upload_form_requires_a_plan_for_tasks(p: Personas, client: Client) -> None:
    login(client, p.officer)
    r = client.post("/imports/", {"kind": "tasks", "file": upload("huoshan2025_tasks.xlsx")})
    assert r.status_code == 200 and "请选择计划" in r.content.decode()
    assert not ImportBatch.objects.exists()


def test_org_preview_shows_labels_not_codes(p: Personas, client: Client) -> None:
    login(client, p.officer)
    body = "单位代码,单位名称,类别,上级单位代码\nZJ01,曙光街道,街道,D0\n".encode("utf-8-sig")
    client.post("/imports/", {"kind": "org", "file": upload("units.csv", body)})
    batch = ImportBatch.objects.latest("pk")
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "功能区/街镇" in html and ">zone<" not in html
    client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.state == BatchState.COMMITTED


def test_large_file_is_parsed_by_the_worker_with_progress(
    p: Personas, client: Client, django_capture_on_commit_callbacks
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    for i in range(1, 2102):
        ws.append([i, f"任务{i}", "区发改局" if i % 2 else "区财政局", "6月底前"])
    buf = io.BytesIO()
    wb.save(buf)
    plan = p.plan(name="大表", year=2024)
    login(client, p.officer)
    assert not HUEY.immediate
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = client.post(
            "/imports/", {"kind": "tasks", "plan": plan.pk, "file": upload("big.xlsx", buf.getvalue())}
        )
    assert len(callbacks) == 1  # the parse job is enqueued once the upload is committed
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.PARSING and batch.rows_total == 2102
    html = client.get(r["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in html and "0 / 2102" in html
    poll = client.get(f"/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "import-progress" in poll.content.decode()
    # The worker's job (run here in-process) saves progress and the preview.
    from luoshi.imports.tasks import parse_batch_job

    parse_batch_job.call_local(batch.pk)
    batch.refresh_from_db()
    assert batch.state == BatchState.READY and batch.rows_done == 2102
    assert batch.preview["counts"]["create"] == 2101
    poll = client.get(f"/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert poll["HX-Redirect"] == f"/imports/{batch.pk}/"
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "另有 1601 行未显示" in html


def test_upload_page_lists_recent_batches_without_a_query_per_row(p: Personas, client: Client) -> None:
    plan = p.plan(name="列表")
    for i in range(5):
        batch_create(actor=p.officer, kind="tasks", data=b"a,b\n", filename=f"f{i}.csv", plan=plan)
    login(client, p.officer)
    with exact_queries("imports.upload_page[officer 5 batches]") as counted:
        response = client.get("/imports/")
    assert counted.count <= 12
    assert response.content.decode().count("f4.csv") == 1
