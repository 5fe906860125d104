"""Checks an API response against the OpenAPI document the API serves, the way
scripts/api_contract.sh (schemathesis) does: the status must be declared for the operation and
the body must match the schema declared for that status. jsonschema_rs comes with schemathesis
(requirements.txt)."""

import functools

import jsonschema_rs
from django.test import Client


@functools.cache
def served_document() -> dict:
    """/api/v1/openapi.json as served (built from the code, so the same for the whole run)."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def contract_errors(response, method: str, path: str, document: dict | None = None) -> list[str]:
    """What is wrong with `response` to `method path` (path as the document spells it, e.g.
    /api/v1/projects/{project_id}) according to `document` (default: the served one)."""
    document = document or served_document()
    operation = document["paths"][path][method.lower()]
    declared = operation["responses"].get(str(response.status_code))
    if declared is None:
        return [
            f"status {response.status_code} is not declared (declared: {operation['responses']})"
        ]
    content = declared.get("content")
    if content is None:
        return []
    schema = content["application/json"]["schema"]
    validator = jsonschema_rs.Draft202012Validator(schema | {"components": document["components"]})
    return [
        f"/{'/'.join(map(str, error.instance_path))}: {error.message}"
        for error in validator.iter_errors(response.json())
    ]


def assert_conforms(response, method: str, path: str) -> None:
    errors = contract_errors(response, method, path)
    assert not errors, f"{method.upper()} {path} [{response.status_code}]: " + "; ".join(errors)
