from django.db import migrations

ROLE_CODES = [
    "admin", "director", "regional_manager", "channel_manager", "project_manager", "presales",
    "account_manager", "finance", "monitor", "analyst", "partner_admin", "partner_sales",
    "partner_engineer",
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code in ROLE_CODES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
