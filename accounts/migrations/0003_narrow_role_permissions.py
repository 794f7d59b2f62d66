"""Take back what the first role table gave too widely.

A wildcard such as ``members.view_*`` matched the permission to see full identity
numbers, and the underwriter's ``members.*`` gave payments, imports and deletions. The
sync only adds permissions, so this migration removes, from each role's group, the
identity-number permission and any deletion the role no longer lists, and from the
underwriter's group every members permission it no longer lists.
"""

from django.db import migrations


def narrow(apps, schema_editor):
    from accounts.roles import ROLES, create_all_permissions, role_permissions

    create_all_permissions(apps, schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        group = Group.objects.filter(name=role.group_name).first()
        if group is None:
            continue
        wanted = {p.pk for p in role_permissions(role, apps)}
        extra = [
            p
            for p in group.permissions.select_related("content_type")
            if p.pk not in wanted
            and (
                p.codename == "view_identity_number"
                or p.codename.startswith("delete_")
                or (role.slug == "underwriter" and p.content_type.app_label == "members")
            )
        ]
        group.permissions.remove(*extra)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("members", "0001_initial"),
    ]

    operations = [migrations.RunPython(narrow, migrations.RunPython.noop)]
