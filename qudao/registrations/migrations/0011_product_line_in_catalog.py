"""Product lines now live in the catalog app (same table, renamed by partners.0003): the foreign
keys change in the migration state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("registrations", "0010_partner_status_until_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="registrationproduct",
                    name="product_line",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registration_products",
                        to="catalog.productline",
                        verbose_name="product line",
                    ),
                ),
                migrations.AlterField(
                    model_name="protectionrule",
                    name="product_line",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.productline",
                        verbose_name="product line",
                    ),
                ),
            ],
        ),
    ]
