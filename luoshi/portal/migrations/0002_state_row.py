"""The one `PortalState` row exists from the start, so two first reviews never race to create it."""

from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("portal", "PortalState").objects.get_or_create(pk=1, defaults={"generation": 0})


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
