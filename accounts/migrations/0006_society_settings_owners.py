"""The bank account members pay into and the security settings get owners of their own.

Until now both were fields of the society form that ``common.change_society`` (the board
secretary) edits. The new permissions ``common.change_society_payment_details`` (finance)
and ``common.change_society_security`` (the new administrator role) are created here and
given to their roles' groups now rather than at the end of ``migrate``, and taken from
any other role group that holds them, so that only their owners do.
"""

from django.db import migrations

PROTECTED = ("change_society_payment_details", "change_society_security")


def give_owners(apps, schema_editor):
    from accounts.roles import ROLES, create_all_permissions, role_permissions, sync_role_groups

    create_all_permissions(apps, schema_editor.connection.alias)
    sync_role_groups(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    protected = list(
        Permission.objects.filter(content_type__app_label="common", codename__in=PROTECTED)
    )
    for role in ROLES:
        group = Group.objects.filter(name=role.group_name).first()
        if group is None:
            continue
        wanted = {p.pk for p in role_permissions(role, apps)}
        group.permissions.remove(*[p for p in protected if p.pk not in wanted])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_second_factor_attempts"),
        ("common", "0008_society_settings_by_role"),
    ]

    operations = [migrations.RunPython(give_owners, migrations.RunPython.noop)]
