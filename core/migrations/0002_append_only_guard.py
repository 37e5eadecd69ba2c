"""On PostgreSQL, the audit tables refuse UPDATE and DELETE in the database itself, so neither a
raw statement nor a bug can rewrite the past. A maintenance job (core.maintenance) passes by
setting `eap.maintenance` for its transaction. SQLite has no such guard: the application's own
refusal (core.models.audit.AppendOnlyModel) is what holds there.

TRUNCATE is left to the table owner: the test runner empties tables with it, and an application
role in production should not own its tables."""
from django.db import migrations

TABLES = ["core_accesslog", "core_recordhistory", "core_maintenancerun"]

FUNCTION = """
CREATE OR REPLACE FUNCTION eap_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('eap.maintenance', true), '') <> '' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION eap_refuse_audit_change()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS eap_refuse_audit_change()")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
