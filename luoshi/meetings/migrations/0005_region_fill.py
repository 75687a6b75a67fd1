"""Fill the region key of existing meeting rows: a series takes its chair's unit (the chair's current
post's, else any) and that unit's region (else the root region's); the scope tables and meetings
the series'; agenda lines, attendance, tokens, decisions and refusals their meeting's (a refusal
naming no meeting the root region's). Portable SQL (SQLite and PostgreSQL), parents before children."""

from django.db import migrations

def _root_region(cur):
    cur.execute("SELECT COALESCE(region_id, id) FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1")
    row = cur.fetchone()
    return None if row is None else row[0]


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        root = _root_region(cur)
        cur.execute(
            "UPDATE meetings_meetingseries SET unit_id = (SELECT p.unit_id FROM org_membership m "
            "JOIN org_post p ON p.id = m.post_id WHERE m.person_id = meetings_meetingseries.chair_id "
            'ORDER BY CASE WHEN m."end" IS NULL THEN 0 ELSE 1 END, m.id LIMIT 1) WHERE unit_id IS NULL'
        )
        cur.execute(
            "UPDATE meetings_meetingseries SET region_id = (SELECT p.region_id FROM org_unit p WHERE p.id = meetings_meetingseries.unit_id)"
        )
        if root is not None:
            cur.execute("UPDATE meetings_meetingseries SET region_id = %s WHERE region_id IS NULL", [root])
        cur.execute(
            "UPDATE meetings_meetingseries_units SET region_id = (SELECT p.region_id FROM meetings_meetingseries p WHERE p.id = meetings_meetingseries_units.meetingseries_id)"
        )
        cur.execute(
            "UPDATE meetings_meetingseries_plans SET region_id = (SELECT p.region_id FROM meetings_meetingseries p WHERE p.id = meetings_meetingseries_plans.meetingseries_id)"
        )
        cur.execute(
            "UPDATE meetings_meetingseries_projects SET region_id = (SELECT p.region_id FROM meetings_meetingseries p WHERE p.id = meetings_meetingseries_projects.meetingseries_id)"
        )
        cur.execute(
            "UPDATE meetings_meeting SET region_id = (SELECT p.region_id FROM meetings_meetingseries p WHERE p.id = meetings_meeting.series_id)"
        )
        cur.execute(
            "UPDATE meetings_agendaitem SET region_id = (SELECT p.region_id FROM meetings_meeting p WHERE p.id = meetings_agendaitem.meeting_id)"
        )
        cur.execute(
            "UPDATE meetings_attendance SET region_id = (SELECT p.region_id FROM meetings_meeting p WHERE p.id = meetings_attendance.meeting_id)"
        )
        cur.execute(
            "UPDATE meetings_checkintoken SET region_id = (SELECT p.region_id FROM meetings_meeting p WHERE p.id = meetings_checkintoken.meeting_id)"
        )
        cur.execute(
            "UPDATE meetings_checkinrefusal SET region_id = (SELECT p.region_id FROM meetings_meeting p WHERE p.id = meetings_checkinrefusal.meeting_id)"
        )
        cur.execute(
            "UPDATE meetings_decision SET region_id = (SELECT p.region_id FROM meetings_meeting p WHERE p.id = meetings_decision.meeting_id)"
        )
        if root is not None:
            cur.execute("UPDATE meetings_checkinrefusal SET region_id = %s WHERE region_id IS NULL", [root])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
