"""On PostgreSQL, trigram (pg_trgm) GIN indexes make ``search_text LIKE '%…%'`` use an index.

Creating the extension needs a privileged role; where it is refused the indexes are skipped
(search still works, by scanning) and a notice says so.
"""

from django.db import migrations, transaction

TABLES = ("registry_institution", "registry_practitioner", "registry_inspector")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), schema_editor.connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - any refusal means "no trigram indexes"
        print(f"pg_trgm unavailable ({exc.__class__.__name__}); search runs without trigram indexes")
        return
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_search_without_btree")]
    operations = [migrations.RunPython(create, drop)]
