"""The customer-key index covers the candidate query (kind, key, partner, id): the query reads
no table row per key. Created before the old one is dropped."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0002_lifecycle'),
        ('registrations', '0006_customer_name_parts'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customerkey',
            index=models.Index(fields=['kind', 'key', 'partner', 'registration'], name='customerkey_covering'),
        ),
        migrations.RemoveIndex(
            model_name='customerkey',
            name='customerkey_lookup',
        ),
    ]
