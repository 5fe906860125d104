"""The customer-key index covers the region too (see 0008): built before the old one is
dropped."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0008_customer_key_region"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="customerkey",
            index=models.Index(
                fields=["kind", "key", "partner", "registration", "region"],
                name="customerkey_cover_region",
            ),
        ),
        migrations.RemoveIndex(model_name="customerkey", name="customerkey_covering"),
    ]
