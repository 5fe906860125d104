"""Product lines now live in the catalog app: the agreements' link points there and this app
lets go of the model, in the migration state only (the table and its rows stay)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("partners", "0003_product_line_table"),
        ("performance", "0003_product_line_in_catalog"),
        ("registrations", "0011_product_line_in_catalog"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="agreement",
                    name="product_lines",
                    field=models.ManyToManyField(
                        related_name="agreements",
                        to="catalog.productline",
                        verbose_name="product lines",
                    ),
                ),
                migrations.DeleteModel(name="ProductLine"),
            ],
        ),
    ]
