"""Product lines move to the catalog app: their table is renamed here (its rows and every
foreign key to it stay), catalog.0001 takes the model over in the migration state only, and
0004 lets go of it. The content type row moves along, so that audit entries and approvals that
name a product line keep pointing at it."""

from django.db import migrations


def content_type_to_catalog(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    if not rows.filter(app_label="catalog", model="productline").exists():
        rows.filter(app_label="partners", model="productline").update(app_label="catalog")


def content_type_to_partners(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    if not rows.filter(app_label="partners", model="productline").exists():
        rows.filter(app_label="catalog", model="productline").update(app_label="partners")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("partners", "0002_lifecycle"),
    ]

    operations = [
        migrations.AlterModelTable(name="productline", table="catalog_productline"),
        migrations.RunPython(content_type_to_catalog, content_type_to_partners),
    ]
