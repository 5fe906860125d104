"""The API keeps its OpenAPI contract (scripts/api_contract.sh runs schemathesis against a live
server): one schema per component name, one operation id per operation (`<app>_<function>`),
JSON bodies that refuse members they do not name, and a 422 with field errors for them. Each
app's API tests check their responses with `qudao.core.tests.openapi.assert_conforms`."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from ninja.openapi.schema import OpenAPISchema

from qudao.api import api

from .openapi import contract_errors, served_document

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token"


class _CollectingSchema(OpenAPISchema):
    """The OpenAPI document, noting every component name given two different schemas (ninja
    keeps the last one, so the other operations declare a schema they do not return)."""

    def add_schema_definitions(self, definitions: dict) -> None:
        clashes = self.__dict__.setdefault("clashes", {})
        for name, schema in definitions.items():
            if name in self.schemas and self.schemas[name] != schema:
                clashes.setdefault(name, [self.schemas[name]]).append(schema)
        super().add_schema_definitions(definitions)


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _open_objects(document: dict, schema: dict, where: str, seen: set) -> list[str]:
    """Object schemas under `schema` that accept members they do not name."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return _open_objects(document, _resolve(document, schema), f"{where} → {name}", seen)
    found = []
    if schema.get("type") == "object" and "properties" in schema:
        if schema.get("additionalProperties") is not False:
            found.append(where)
        for member, sub in schema["properties"].items():
            found += _open_objects(document, sub, f"{where}.{member}", seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _open_objects(document, sub, where, seen)
    if isinstance(schema.get("items"), dict):
        found += _open_objects(document, schema["items"], f"{where}[]", seen)
    return found


def test_every_component_name_stands_for_one_schema():
    clashes = _CollectingSchema(api, "api/v1/").__dict__.get("clashes", {})

    assert not clashes, f"schemas sharing a component name: {sorted(clashes)}"


def test_every_json_body_refuses_members_it_does_not_name():
    document = served_document()
    open_bodies = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                where = f"{method.upper()} {path}"
                open_bodies += _open_objects(document, schema, where, set())

    assert not open_bodies, "bodies without additionalProperties: false:\n" + "\n".join(open_bodies)


def test_an_unknown_member_is_a_422_naming_it(world):

    response = Client().post(
        TOKEN,
        json.dumps({"username": world.hq.username, "password": "x", "remember": True}),
        content_type="application/json",
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == ["remember"]
    assert contract_errors(response, "post", TOKEN) == []


def test_a_body_of_the_wrong_type_is_a_422(world, as_api):
    response = as_api(world.hq).post(
        "/api/v1/notifications/read", "[null, null]", content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and response.json()["errors"]


def test_the_contract_check_finds_a_missing_member_and_an_undeclared_status():
    document = {
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/X"}}
                            }
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"X": {"type": "object", "required": ["a", "b"]}}},
    }

    class Response:
        status_code = 200

        @staticmethod
        def json():
            return {"a": 1}

    assert contract_errors(Response, "get", "/x", document) == ['/: "b" is a required property']
    Response.status_code = 404
    assert contract_errors(Response, "get", "/x", document)[0].startswith("status 404")


def test_a_body_that_is_not_json_is_a_declared_400(world, as_api):
    response = as_api(world.hq).post(
        "/api/v1/approvals/1/approve", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert contract_errors(response, "post", "/api/v1/approvals/{approval_id}/approve") == []


def test_errors_of_the_handlers_are_declared_by_every_operation(world, as_api):
    client = as_api(world.hq)
    checks = [
        (Client().get("/api/v1/users"), "get", "/api/v1/users", 401),
        (client.get("/api/v1/users?page=x"), "get", "/api/v1/users", 422),
        (client.get("/api/v1/users/0"), "get", "/api/v1/users/{user_id}", 404),
        (client.get("/api/v1/users/x"), "get", "/api/v1/users/{user_id}", 422),
    ]

    for response, method, path, status in checks:
        assert response.status_code == status, (path, response.content)
        assert contract_errors(response, method, path) == [], path


def test_every_operation_id_is_unique_and_names_its_app_and_function():
    apps_of_qudao = {p.name for p in Path(__file__).resolve().parents[2].iterdir() if p.is_dir()}
    ids = [
        operation["operationId"]
        for operations in served_document()["paths"].values()
        for operation in operations.values()
    ]

    assert sorted(set(ids)) == sorted(ids), [i for i in set(ids) if ids.count(i) > 1]
    assert [i for i in ids if i.split("_", 1)[0] not in apps_of_qudao] == []


def test_an_operation_id_does_not_depend_on_the_file_of_its_endpoint():
    def agreement_list(request): ...

    ids = set()
    for module in ("qudao.partners.api", "qudao.partners.api.agreements"):
        agreement_list.__module__ = module
        ids.add(api.get_openapi_operation_id(SimpleNamespace(view_func=agreement_list)))

    assert ids == {"partners_agreement_list"}


def test_each_first_path_segment_belongs_to_one_app_so_the_routers_order_does_not_matter():
    owners: dict[str, set[str]] = {}
    for path, operations in served_document()["paths"].items():
        segment = path.removeprefix("/api/v1/").split("/", 1)[0]
        for operation in operations.values():
            owners.setdefault(segment, set()).add(operation["operationId"].split("_", 1)[0])

    assert [s for s, apps in owners.items() if len(apps) > 1 or s.startswith("{")] == []
