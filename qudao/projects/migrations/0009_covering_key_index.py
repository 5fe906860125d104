"""The customer-key index covers the candidate query (kind, key, partner, id): the query reads
no table row per key. Created before the old one is dropped."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0002_lifecycle'),
        ('projects', '0008_updated_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='projectcustomerkey',
            index=models.Index(fields=['kind', 'key', 'partner', 'project'], name='projectkey_covering'),
        ),
        migrations.RemoveIndex(
            model_name='projectcustomerkey',
            name='projectkey_lookup',
        ),
    ]
