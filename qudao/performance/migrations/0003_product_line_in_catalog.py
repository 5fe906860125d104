"""Product lines now live in the catalog app (same table, renamed by partners.0003): the foreign
keys change in the migration state only."""

import django.db.models.deletion
from django.db import migrations, models


def line(**options):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="catalog.productline",
        verbose_name="product line",
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("performance", "0002_product_line_facts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="partnerlinemonthfact", name="product_line", field=line()
                ),
                migrations.AlterField(
                    model_name="scopelinemonthfact", name="product_line", field=line()
                ),
                migrations.AlterField(
                    model_name="pipelinelinefact", name="product_line", field=line()
                ),
                migrations.AlterField(
                    model_name="scopepipelinefact",
                    name="product_line",
                    field=line(blank=True, null=True),
                ),
            ],
        ),
    ]
