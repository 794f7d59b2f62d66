"""A first version of the articles of association with the defaults of docs/defaults.md, and the
three organs of the Pilot Measures, so a fresh deployment can convene. Staff edit them."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    Articles = apps.get_model("governance", "Articles")
    Body = apps.get_model("governance", "Body")
    if not Articles.objects.exists():
        Articles.objects.create(version="1", title="章程 Articles of association",
                                effective_from=dt.date(2020, 1, 1))
    for kind, name, seats in (
        ("general_assembly", "会员大会 General assembly", 0),
        ("board", "董事会 Board of directors", 7),
        ("supervisory_board", "监事会 Supervisory board", 3),
    ):
        if not Body.objects.filter(kind=kind).exists():
            Body.objects.create(kind=kind, name=name, seats=seats)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_roll_frozen_trigger")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
