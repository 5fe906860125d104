"""The customer keys hold their customer's region (copied from the registration), in the
covering index (0009): the candidate query ranks candidates that share an exact key by region
without reading a table row. Filled with one UPDATE. The index is built in a migration of its
own: PostgreSQL refuses to alter a table with the UPDATE's foreign-key checks still pending."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_regions(apps, schema_editor):
    CustomerKey = apps.get_model("registrations", "CustomerKey")
    Registration = apps.get_model("registrations", "Registration")
    alias = schema_editor.connection.alias
    region = Registration.objects.using(alias).filter(pk=OuterRef("registration_id"))
    CustomerKey.objects.using(alias).update(
        region_id=Subquery(region.values("customer_region_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("registrations", "0007_covering_key_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="customerkey",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="core.region",
                verbose_name="customer region",
            ),
        ),
        migrations.RunPython(copy_regions, migrations.RunPython.noop, elidable=True),
    ]
