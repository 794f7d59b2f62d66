from django.db import migrations


def create_society(apps, schema_editor):
    Society = apps.get_model("common", "Society")
    Society.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [migrations.RunPython(create_society, migrations.RunPython.noop)]
