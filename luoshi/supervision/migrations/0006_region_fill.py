"""Fill the region key of existing supervision rows: an item its lead unit's region; co-units,
hand-offs, notices and accountability records the item's; responses their notice's, evidence its
response's; red streaks and proposals their task's. Portable SQL (SQLite and PostgreSQL), parents before children."""

from django.db import migrations


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE supervision_item SET region_id = (SELECT p.region_id FROM org_unit p WHERE p.id = supervision_item.lead_unit_id)"
        )
        cur.execute(
            "UPDATE supervision_item_co_units SET region_id = (SELECT p.region_id FROM supervision_item p WHERE p.id = supervision_item_co_units.item_id)"
        )
        cur.execute(
            "UPDATE supervision_handoff SET region_id = (SELECT p.region_id FROM supervision_item p WHERE p.id = supervision_handoff.item_id)"
        )
        cur.execute(
            "UPDATE supervision_notice SET region_id = (SELECT p.region_id FROM supervision_item p WHERE p.id = supervision_notice.item_id)"
        )
        cur.execute(
            "UPDATE supervision_accountability SET region_id = (SELECT p.region_id FROM supervision_item p WHERE p.id = supervision_accountability.item_id)"
        )
        cur.execute(
            "UPDATE supervision_response SET region_id = (SELECT p.region_id FROM supervision_notice p WHERE p.id = supervision_response.notice_id)"
        )
        cur.execute(
            "UPDATE supervision_responseevidence SET region_id = (SELECT p.region_id FROM supervision_response p WHERE p.id = supervision_responseevidence.response_id)"
        )
        cur.execute(
            "UPDATE supervision_redstreak SET region_id = (SELECT p.region_id FROM work_task p WHERE p.id = supervision_redstreak.task_id)"
        )
        cur.execute(
            "UPDATE supervision_proposal SET region_id = (SELECT p.region_id FROM work_task p WHERE p.id = supervision_proposal.task_id)"
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0005_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
