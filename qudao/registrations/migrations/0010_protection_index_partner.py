# The protection index also holds the partner, so that a region's "expiring in 7 days" is counted
# from the index alone. The new index is built before the old one is dropped.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0009_customer_key_region_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                fields=["status", "protection_until", "partner"], name="reg_protection_partner"
            ),
        ),
        migrations.RemoveIndex(model_name="registration", name="registration_protection"),
    ]
