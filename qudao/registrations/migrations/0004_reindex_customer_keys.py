"""Re-index the keys of live registrations: grams now leave out the generic tail of a name
(`keys.name_grams`), whose bigrams across two generic words (息技, 能科 …) were shared by tens of
thousands of registrations, and 器械, 医疗器械, 集成, 系统集成 and 职业 became generic words
(so 深圳职业技术学院 keeps its city, and the brand of 迈瑞医疗器械 is 迈瑞).

Uses the current `keys.customer_keys` on purpose: the keys must be what the services write.
"""

from django.db import migrations

BATCH = 5000
LIVE = ("submitted", "approved", "info_requested")  # Registration.LIVE when this was written


def reindex_keys(apps, schema_editor):
    from qudao.customers.keys import customer_keys

    Registration = apps.get_model("registrations", "Registration")
    CustomerKey = apps.get_model("registrations", "CustomerKey")
    CustomerKey.objects.all().delete()
    live = Registration.objects.filter(status__in=LIVE).order_by("pk")
    last = 0
    while True:
        rows = list(
            live.filter(pk__gt=last).values_list(
                "pk", "partner_id", "customer_name", "customer_credit_code"
            )[:BATCH]
        )
        if not rows:
            return
        CustomerKey.objects.bulk_create(
            CustomerKey(registration_id=pk, partner_id=partner_id, kind=kind, key=key)
            for pk, partner_id, name, credit_code in rows
            for kind, key in customer_keys(name, credit_code)
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("registrations", "0003_list_indexes")]

    operations = [migrations.RunPython(reindex_keys, migrations.RunPython.noop)]
