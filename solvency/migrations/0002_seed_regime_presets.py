"""The preset regimes (C-ROSS, Solvency II standard formula, NAIC RBC): data that the
actuary edits afterwards. The seeding is ``solvency.presets.seed_presets``."""

from django.db import migrations

from solvency.presets import seed_presets


class Migration(migrations.Migration):
    dependencies = [("solvency", "0001_regimes_capital_assessments")]

    operations = [migrations.RunPython(seed_presets, migrations.RunPython.noop)]
