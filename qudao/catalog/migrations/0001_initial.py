"""The product line model, taken over from partners: its table (catalog_productline, renamed
by partners.0003) and rows already exist, so this changes the migration state only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("partners", "0003_product_line_table"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProductLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=20, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("is_active", models.BooleanField(default=True, verbose_name="in use")),
                    ],
                    options={
                        "verbose_name": "product line",
                        "verbose_name_plural": "product lines",
                        "ordering": ["code"],
                    },
                ),
            ],
        ),
    ]
