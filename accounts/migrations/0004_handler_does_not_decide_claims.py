"""The claims handler's first role entry was ``claims.*``, which took in the permission to
approve and reject claims once the claims app defined it. The handler takes claims in and
assesses them; deciding is the approver's (four eyes). The sync only adds permissions, so
this migration takes ``claims.decide_claim`` back from the handler's group."""

from django.db import migrations


def narrow(apps, schema_editor):
    from accounts.roles import ROLE_BY_SLUG

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ROLE_BY_SLUG["claims_handler"].group_name).first()
    if group is None:
        return
    group.permissions.remove(
        *Permission.objects.filter(content_type__app_label="claims", codename="decide_claim")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_narrow_role_permissions"),
        ("claims", "0002_panel_eligibility_frozen_staff_fallback"),
    ]

    operations = [migrations.RunPython(narrow, migrations.RunPython.noop)]
