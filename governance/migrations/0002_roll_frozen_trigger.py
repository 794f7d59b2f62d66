"""The frozen voter roll cannot change: the database refuses an UPDATE of a roll entry,
and an INSERT into the roll of a meeting whose roll hash is recorded.

Rows are written once, by ``meeting_roll_freeze``, in the same transaction that records
the hash. (DELETE is left to cascades and test flushes; no service or face deletes.)
"""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION governance_roll_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'The voter roll is frozen: entries cannot be changed.';
    END IF;
    IF EXISTS (SELECT 1 FROM governance_meeting m
               WHERE m.id = NEW.meeting_id AND m.roll_hash <> '') THEN
        RAISE EXCEPTION 'The voter roll of meeting % is frozen.', NEW.meeting_id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_roll_frozen
    BEFORE INSERT OR UPDATE ON governance_rollentry
    FOR EACH ROW EXECUTE FUNCTION governance_roll_frozen();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS governance_roll_frozen ON governance_rollentry;
DROP FUNCTION IF EXISTS governance_roll_frozen();
"""
SQLITE = [
    """
    CREATE TRIGGER governance_roll_no_update BEFORE UPDATE ON governance_rollentry
    BEGIN SELECT RAISE(ABORT, 'The voter roll is frozen: entries cannot be changed.'); END
    """,
    """
    CREATE TRIGGER governance_roll_no_late_insert BEFORE INSERT ON governance_rollentry
    WHEN (SELECT roll_hash FROM governance_meeting WHERE id = NEW.meeting_id) <> ''
    BEGIN SELECT RAISE(ABORT, 'The voter roll of this meeting is frozen.'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS governance_roll_no_update",
    "DROP TRIGGER IF EXISTS governance_roll_no_late_insert",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
