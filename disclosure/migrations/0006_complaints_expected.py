from django.db import migrations


def complaints_expected(apps, schema_editor):
    """The society records complaints now (the complaints desk, app ``support``): their
    quarterly statistics are owed, published automatically after each quarter (as the
    claims statistics), and a quarter without them is overdue."""
    KindRule = apps.get_model("disclosure", "KindRule")  # noqa: N806
    KindRule.objects.filter(kind="complaints_statistics").update(expected=True)


def complaints_not_expected(apps, schema_editor):
    KindRule = apps.get_model("disclosure", "KindRule")  # noqa: N806
    KindRule.objects.filter(kind="complaints_statistics").update(expected=False)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0005_members_told"),
        ("support", "0001_initial"),
    ]

    operations = [migrations.RunPython(complaints_expected, complaints_not_expected)]
