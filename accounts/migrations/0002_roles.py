"""The staff roles as groups with their permissions (see accounts/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.roles import create_all_permissions, sync_role_groups

    create_all_permissions(apps, schema_editor.connection.alias)
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("common", "0002_society_row"),
        ("ledger", "0003_postgres_guards"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
