"""PostgreSQL: a frozen roll also refuses DELETE of its entries.

(Row triggers do not fire on TRUNCATE, which is how test databases are emptied; SQLite
empties tables with DELETE, so there the guard stays on UPDATE and late INSERT only.)
"""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION governance_roll_no_delete() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM governance_meeting m
               WHERE m.id = OLD.meeting_id AND m.roll_hash <> '') THEN
        RAISE EXCEPTION 'The voter roll of meeting % is frozen.', OLD.meeting_id;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_roll_no_delete
    BEFORE DELETE ON governance_rollentry
    FOR EACH ROW EXECUTE FUNCTION governance_roll_no_delete();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS governance_roll_no_delete ON governance_rollentry;
DROP FUNCTION IF EXISTS governance_roll_no_delete();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_articles_and_bodies")]
    operations = [migrations.RunPython(forwards, backwards)]
