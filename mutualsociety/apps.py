from django.contrib.admin.apps import AdminConfig


class SocietyAdminConfig(AdminConfig):
    """The admin, as the society's own staff site (its name, two-factor aware)."""

    default_site = "mutualsociety.admin_site.SocietyAdminSite"
