"""Malformed requests get a JSON 4xx, never a 500 (found by fuzzing the OpenAPI document)."""

import pytest

pytestmark = pytest.mark.django_db


def test_multipart_without_boundary_is_400(world, as_api):
    response = as_api(world.admin).generic(
        "POST", f"/api/v1/partners/{world.p1.pk}/documents", b"x", "multipart/form-data"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_ids_too_large_for_the_database_are_422(world, as_api):
    response = as_api(world.admin).post(
        "/api/v1/agreements",
        {
            "partner_id": world.p1.pk,
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "territory_ids": [96463406405048123392],
            "product_line_ids": [],
        },
        content_type="application/json",
    )

    assert response.status_code in (404, 422), response.content
    assert response.json()["code"] in ("invalid", "not_found")


def test_huge_ids_in_paths_are_404(world, as_api, as_user):
    huge = "9" * 30

    assert as_api(world.admin).get(f"/api/v1/partners/{huge}").status_code in (404, 422)
    assert as_user(world.admin).get(f"/partners/{huge}/").status_code == 404
