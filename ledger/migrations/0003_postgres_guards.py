"""On PostgreSQL, the database itself keeps the ledger's two invariants.

1. Append-only: a row trigger refuses UPDATE and DELETE on entries and postings, whatever
   code or person issues them. (TRUNCATE, an operator's tool, is not a row operation.)
2. Balanced: a constraint trigger, deferred to COMMIT, refuses a transaction that leaves
   an entry whose postings do not sum to zero, or an entry without postings.

Other databases rely on the models and ``ledger.services.entry_post``, which refuse the
same things.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused; post a reversal',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journalentry_append_only
    BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_posting_append_only
    BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_check_entry_balanced() RETURNS trigger AS $$
DECLARE
    -- Not named entry_id: PL/pgSQL would find that name ambiguous with the column.
    checked_entry bigint;
    lines integer;
    total numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_journalentry' THEN
        checked_entry := NEW.id;
    ELSE
        checked_entry := NEW.entry_id;
    END IF;
    SELECT count(*), coalesce(sum(amount), 0) INTO lines, total
        FROM ledger_posting WHERE ledger_posting.entry_id = checked_entry;
    IF lines < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (% postings, sum %)',
            checked_entry, lines, total USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_journalentry_balanced
    AFTER INSERT ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();
CREATE CONSTRAINT TRIGGER ledger_posting_balanced
    AFTER INSERT ON ledger_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_journalentry_balanced ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_check_entry_balanced();
DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_journalentry_append_only ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: send the SQL as is; with parameters, psycopg would read the "%"
        # placeholders of RAISE EXCEPTION as its own and fail.
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_chart_of_accounts")]

    operations = [migrations.RunPython(forwards, backwards)]
