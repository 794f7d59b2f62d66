"""Control accounts take no manual entries.

``Account.manual_postings_allowed`` is data that staff edit in the admin; this migration
sets it off for the control accounts whose balance another part of the system keeps:

- 1122 contributions receivable: the sum of the members' open dues;
- 2202 claims payable: the sum of the approved claims not yet paid;
- 2203 contributions received in advance: the sum of the members' unallocated payments.

The reserves (2601-2603) stay open to manual entries until the actuary's reserve runs
post them; the migration that brings those runs turns them off.
"""

from django.db import migrations, models

CONTROL_ACCOUNTS = ("1122", "2202", "2203")


def close_control_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code__in=CONTROL_ACCOUNTS).update(manual_postings_allowed=False)


def reopen_control_accounts(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code__in=CONTROL_ACCOUNTS).update(manual_postings_allowed=True)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_postgres_guards")]

    operations = [
        migrations.AddField(
            model_name="account",
            name="manual_postings_allowed",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "A control account whose balance is kept by another part of the system "
                    "(its balance must equal the sum of that part's records) takes no "
                    "manual entries."
                ),
                verbose_name="manual entries allowed",
            ),
        ),
        migrations.RunPython(close_control_accounts, reopen_control_accounts),
    ]
