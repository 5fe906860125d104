"""Project codes: the configurable pattern, a sequence per prefix, no duplicates under
concurrency."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from qudao.core.tests.factories import OfficeFactory, RegionFactory
from qudao.projects.services import project_code_next


@pytest.mark.django_db
def test_codes_follow_the_pattern_and_count_per_region_and_year():
    south = RegionFactory(code="HN")
    shenzhen = OfficeFactory(code="HN-SZ", parent=south)
    east = RegionFactory(code="HD")

    assert project_code_next(region=south, year=2026) == "XM-2026-HN-00001"
    assert project_code_next(region=shenzhen, year=2026) == "XM-2026-HN-00002"
    assert project_code_next(region=east, year=2026) == "XM-2026-HD-00001"
    assert project_code_next(region=south, year=2027) == "XM-2027-HN-00001"


@pytest.mark.django_db
def test_the_pattern_is_a_setting(settings):
    settings.PROJECT_CODE_PATTERN = "P{office}/{year}/{seq:03}"
    office = OfficeFactory(code="HN-GZ", parent=RegionFactory(code="HN"))

    assert project_code_next(region=office, year=2026) == "PHN-GZ/2026/001"

    settings.PROJECT_CODE_PATTERN = "XM-{year}-{city}-{seq}"
    with pytest.raises(ImproperlyConfigured):
        project_code_next(region=office, year=2026)


@pytest.mark.django_db(transaction=True)
def test_codes_stay_unique_under_concurrency():
    region = RegionFactory(code="HN")
    found: list[str] = []
    errors: list[Exception] = []

    def take():
        try:
            for _ in range(10):
                found.append(project_code_next(region=region, year=2026))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(found) == 40
    assert len(set(found)) == 40
    assert max(found) == "XM-2026-HN-00040"
