"""Compile the translation catalogs (.po → .mo) with polib, so a fresh machine needs no GNU
gettext. With --check it fails when a catalog has untranslated or fuzzy entries."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (no gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail on missing translations")

    def handle(self, *args, check: bool, **options):
        problems = []
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalog = polib.pofile(str(po_path))
                untranslated = [e.msgid for e in catalog.untranslated_entries() if not e.obsolete]
                fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
                if untranslated or fuzzy:
                    problems.append(
                        f"{po_path}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy"
                    )
                    for msgid in (untranslated + fuzzy)[:20]:
                        problems.append(f"    {msgid!r}")
                catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"compiled {po_path} ({catalog.percent_translated()}%)")
        if check and problems:
            raise CommandError("Incomplete translations:\n" + "\n".join(problems))
