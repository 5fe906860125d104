"""The database cache's table (settings.CACHE_TABLE), used when no REDIS_URL is set: created here
so that `migrate` is the only set-up command, whichever cache the settings name today."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "qudao_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_scheduled_runs"),
    ]

    operations = [migrations.RunPython(create_table, drop_table)]
