"""Store each live registration's customer name taken apart (`CustomerName`), so that a
conflict check scores its candidates without normalising their names again."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000
LIVE = ("submitted", "approved", "info_requested")  # Registration.LIVE when this was written


def store_name_parts(apps, schema_editor):
    """Take apart the customer name of every live registration once, as the services now do on
    every save. Uses the current `matching.normalise_name` on purpose: the parts must be what
    the services write."""
    from qudao.customers.matching import normalise_name

    Registration = apps.get_model("registrations", "Registration")
    CustomerName = apps.get_model("registrations", "CustomerName")
    live = Registration.objects.filter(status__in=LIVE).order_by("pk")
    last = 0
    while True:
        rows = list(live.filter(pk__gt=last).values_list("pk", "customer_name")[:BATCH])
        if not rows:
            return
        names = []
        for pk, name in rows:
            parts = normalise_name(name)
            names.append(
                CustomerName(
                    registration_id=pk,
                    cleaned=parts.cleaned,
                    core=parts.core,
                    brand=parts.brand,
                    removed=list(parts.removed),
                    mapped=[list(pair) for pair in parts.mapped],
                    pinyin=parts.pinyin,
                    brand_pinyin=parts.brand_pinyin,
                )
            )
        CustomerName.objects.bulk_create(names)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0005_updated_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerName",
            fields=[
                (
                    "registration",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="customer_parts",
                        serialize=False,
                        to="registrations.registration",
                        verbose_name="deal registration",
                    ),
                ),
                ("cleaned", models.TextField(verbose_name="cleaned name")),
                ("core", models.TextField(verbose_name="core name")),
                ("brand", models.TextField(blank=True, verbose_name="brand")),
                ("removed", models.JSONField(default=list, verbose_name="removed words")),
                ("mapped", models.JSONField(default=list, verbose_name="abbreviations")),
                ("pinyin", models.TextField(blank=True, verbose_name="pinyin")),
                ("brand_pinyin", models.TextField(blank=True, verbose_name="brand pinyin")),
            ],
            options={
                "verbose_name": "customer name parts",
                "verbose_name_plural": "customer name parts",
            },
        ),
        migrations.RunPython(store_name_parts, migrations.RunPython.noop),
    ]
