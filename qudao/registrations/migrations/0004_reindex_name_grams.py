"""Re-index the gram keys of live registrations: grams now leave out the generic tail of a name
(`keys.name_grams`), whose bigrams across two generic words (息技, 能科 …) were shared by tens of
thousands of registrations. The exact keys (credit, name, pinyin) do not change.

Uses the current `keys.customer_keys` on purpose: the keys must be what the services write.
"""

from django.db import migrations

BATCH = 5000
LIVE = ("submitted", "approved", "info_requested")  # Registration.LIVE when this was written


def reindex_grams(apps, schema_editor):
    from qudao.registrations.keys import customer_keys

    Registration = apps.get_model("registrations", "Registration")
    CustomerKey = apps.get_model("registrations", "CustomerKey")
    CustomerKey.objects.filter(kind="gram").delete()
    live = Registration.objects.filter(status__in=LIVE).order_by("pk")
    last = 0
    while True:
        rows = list(
            live.filter(pk__gt=last).values_list("pk", "partner_id", "customer_name")[:BATCH]
        )
        if not rows:
            return
        CustomerKey.objects.bulk_create(
            CustomerKey(registration_id=pk, partner_id=partner_id, kind="gram", key=key)
            for pk, partner_id, name in rows
            for kind, key in customer_keys(name)
            if kind == "gram"
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("registrations", "0003_list_indexes")]

    operations = [migrations.RunPython(reindex_grams, migrations.RunPython.noop)]
