"""The partner scorecard gets a name of its own (performance has KPI scorecards); its table is
renamed with its rows, and the content type row follows the model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_product_line_in_catalog"),
    ]

    operations = [
        migrations.RenameModel(old_name="Scorecard", new_name="PartnerScorecard"),
    ]
