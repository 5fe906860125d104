"""The built-in document types and the seven built-in process templates (projects/reference.py),
each with a published version 1."""

from django.db import migrations

from qudao.projects.reference import templates_builtin_ensure


def create_templates(apps, schema_editor):
    templates_builtin_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create_templates, migrations.RunPython.noop)]
