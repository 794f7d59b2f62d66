"""The data solvency starts with, every part then edited by staff: the preset regimes
(C-ROSS, Solvency II standard formula, NAIC RBC: ``solvency.presets.seed_presets``), the
standard stress scenarios (``solvency.presets.stress.seed_stress_scenarios``), the
reserving basis and the reserve accounts 2601–2603 closed to manual entries
(``solvency.reserves_seed.seed_reserves``). Each seeding is idempotent."""

from django.db import migrations

from solvency.presets import seed_presets
from solvency.presets.stress import seed_stress_scenarios
from solvency.reserves_seed import seed_reserves, unseed_reserves


class Migration(migrations.Migration):
    dependencies = [("solvency", "0001_initial")]

    operations = [
        migrations.RunPython(seed_presets, migrations.RunPython.noop),
        migrations.RunPython(seed_stress_scenarios, migrations.RunPython.noop),
        migrations.RunPython(seed_reserves, unseed_reserves),
    ]
