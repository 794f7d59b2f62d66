"""The disclosure rules' defaults (docs/disclosure.md, "Due dates") and, on PostgreSQL,
the database's own guard: a published version, its files and its withdrawal are never
changed or deleted, whatever code or person tries (as the ledger's entries)."""

from django.db import migrations

#: kind: (basis, months after, days after, a second person approves, automatic)
RULES = {
    "basic_information": ("standing", 0, 0, True, False),
    "articles": ("standing", 0, 0, True, False),
    "governance_bodies": ("standing", 0, 0, True, False),
    "meeting_notice": ("event", 0, 0, False, True),
    "resolutions": ("event", 0, 10, False, True),
    "minutes": ("event", 0, 30, False, True),
    "financial_statements": ("quarter", 0, 30, False, True),
    "solvency_summary": ("quarter", 0, 30, False, True),
    "claims_statistics": ("quarter", 0, 30, False, True),
    "apportionment": ("event", 0, 3, False, True),
    "related_party": ("event", 0, 15, True, False),
    "material_event": ("event", 0, 10, True, False),
    "product": ("standing", 0, 0, True, False),
    "complaints_statistics": ("quarter", 0, 30, False, True),
    "annual_report": ("year", 4, 0, False, True),
}

GUARDS = """
CREATE FUNCTION disclosure_refuse_published_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'a published disclosure is never changed: % on % refused; '
            'publish a correction', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_publication_published_frozen
    BEFORE UPDATE OR DELETE ON disclosure_publication
    FOR EACH ROW EXECUTE FUNCTION disclosure_refuse_published_change();

CREATE FUNCTION disclosure_refuse_attachment_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR EXISTS (
        SELECT 1 FROM disclosure_publication p
        WHERE p.id = OLD.publication_id AND p.status = 'published'
    ) THEN
        RAISE EXCEPTION 'a disclosure file is never changed once attached: % on % refused',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_attachment_frozen
    BEFORE UPDATE OR DELETE ON disclosure_attachment
    FOR EACH ROW EXECUTE FUNCTION disclosure_refuse_attachment_change();

CREATE FUNCTION disclosure_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'disclosure history is append-only: % on % refused',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER disclosure_withdrawal_append_only
    BEFORE UPDATE OR DELETE ON disclosure_withdrawal
    FOR EACH ROW EXECUTE FUNCTION disclosure_refuse_change();
CREATE TRIGGER disclosure_publicationevent_append_only
    BEFORE UPDATE OR DELETE ON disclosure_publicationevent
    FOR EACH ROW EXECUTE FUNCTION disclosure_refuse_change();
"""

UNGUARD = """
DROP TRIGGER disclosure_publicationevent_append_only ON disclosure_publicationevent;
DROP TRIGGER disclosure_withdrawal_append_only ON disclosure_withdrawal;
DROP FUNCTION disclosure_refuse_change();
DROP TRIGGER disclosure_attachment_frozen ON disclosure_attachment;
DROP FUNCTION disclosure_refuse_attachment_change();
DROP TRIGGER disclosure_publication_published_frozen ON disclosure_publication;
DROP FUNCTION disclosure_refuse_published_change();
"""


def rules_seed(apps, schema_editor):
    KindRule = apps.get_model("disclosure", "KindRule")  # noqa: N806
    for kind, (basis, months, days, approval, automatic) in RULES.items():
        KindRule.objects.get_or_create(
            kind=kind,
            defaults={
                "basis": basis,
                "months_after": months,
                "days_after": days,
                "needs_approval": approval,
                "automatic": automatic,
            },
        )


def guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [
        migrations.RunPython(rules_seed, migrations.RunPython.noop),
        migrations.RunPython(guards, unguard),
    ]
