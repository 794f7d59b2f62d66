"""PostgreSQL: the audit log and the ballots are append-only in the database itself.

- ``governance_meetingevent``: no UPDATE, no DELETE.
- ``governance_ballot`` / ``governance_participation``: no DELETE; the only UPDATE allowed
  is retiring a counted row (counted true → false, with ``superseded_at`` on a
  participation), which is what a change of vote does. A choice, a receipt, a voter or a
  motion never changes, and nothing becomes counted again.

(Row triggers do not fire on TRUNCATE, which is how test databases are emptied.)
"""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION governance_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused.', TG_TABLE_NAME, TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_meetingevent_append_only
    BEFORE UPDATE OR DELETE ON governance_meetingevent
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_ballot_no_delete
    BEFORE DELETE ON governance_ballot
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_participation_no_delete
    BEFORE DELETE ON governance_participation
    FOR EACH ROW EXECUTE FUNCTION governance_append_only();

CREATE OR REPLACE FUNCTION governance_ballot_retire_only() RETURNS trigger AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.motion_id <> OLD.motion_id OR NEW.choice <> OLD.choice
       OR NEW.receipt <> OLD.receipt OR NEW.voter_id IS DISTINCT FROM OLD.voter_id
       OR (NEW.counted AND NOT OLD.counted) THEN
        RAISE EXCEPTION 'A ballot can only be retired (superseded), never changed.';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_ballot_retire_only
    BEFORE UPDATE ON governance_ballot
    FOR EACH ROW EXECUTE FUNCTION governance_ballot_retire_only();

CREATE OR REPLACE FUNCTION governance_participation_retire_only() RETURNS trigger AS $$
BEGIN
    IF NEW.motion_id <> OLD.motion_id OR NEW.voter_id <> OLD.voter_id
       OR NEW.cast_by_id IS DISTINCT FROM OLD.cast_by_id OR NEW.channel <> OLD.channel
       OR NEW.at <> OLD.at OR NEW.ballot_nonce <> OLD.ballot_nonce
       OR NEW.ballot_seal <> OLD.ballot_seal OR (NEW.counted AND NOT OLD.counted) THEN
        RAISE EXCEPTION 'A participation can only be retired (superseded), never changed.';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_participation_retire_only
    BEFORE UPDATE ON governance_participation
    FOR EACH ROW EXECUTE FUNCTION governance_participation_retire_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS governance_meetingevent_append_only ON governance_meetingevent;
DROP TRIGGER IF EXISTS governance_ballot_no_delete ON governance_ballot;
DROP TRIGGER IF EXISTS governance_participation_no_delete ON governance_participation;
DROP TRIGGER IF EXISTS governance_ballot_retire_only ON governance_ballot;
DROP TRIGGER IF EXISTS governance_participation_retire_only ON governance_participation;
DROP FUNCTION IF EXISTS governance_append_only();
DROP FUNCTION IF EXISTS governance_ballot_retire_only();
DROP FUNCTION IF EXISTS governance_participation_retire_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("governance", "0004_roll_no_delete_postgres")]
    operations = [migrations.RunPython(forwards, backwards)]
