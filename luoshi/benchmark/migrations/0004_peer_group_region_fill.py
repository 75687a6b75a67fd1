"""Fill the peer groups' office and region key, and their members' (0003). Portable SQL."""

from django.db import migrations


def fill(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE benchmark_peergroup SET office_id = (SELECT MIN(po.unit_id) FROM org_membership m"
            " JOIN org_post po ON po.id = m.post_id JOIN org_person pe ON pe.id = m.person_id"
            " WHERE pe.user_id = benchmark_peergroup.created_by_id AND po.role = 'officer')"
            " WHERE office_id IS NULL"
        )
        if root is not None:
            cur.execute("UPDATE benchmark_peergroup SET office_id = %s WHERE office_id IS NULL", [root])
        cur.execute(
            "UPDATE benchmark_peergroup SET region_id = "
            "(SELECT u.region_id FROM org_unit u WHERE u.id = benchmark_peergroup.office_id)"
        )
        cur.execute(
            "UPDATE benchmark_peergroup_members SET region_id = (SELECT p.region_id FROM benchmark_peergroup p"
            " WHERE p.id = benchmark_peergroup_members.peergroup_id)"
        )


class Migration(migrations.Migration):
    dependencies = [("benchmark", "0003_peer_group_region_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
