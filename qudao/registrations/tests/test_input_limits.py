"""A customer's credit code has one limit, the column's, in the form and in the API alike."""

import pytest

from qudao.projects.api.projects import ProjectIn, ProjectPatch
from qudao.projects.forms.projects import ProjectEditForm
from qudao.projects.models import Project
from qudao.registrations.api.drafts import CheckIn
from qudao.registrations.api.schemas import RegistrationIn
from qudao.registrations.forms.drafts import RegistrationForm
from qudao.registrations.models import Registration


@pytest.mark.parametrize(
    ("model", "form", "schemas"),
    [
        (Registration, RegistrationForm, (CheckIn, RegistrationIn)),
        (Project, ProjectEditForm, (ProjectIn, ProjectPatch)),
    ],
)
def test_the_credit_code_limit_is_the_columns_everywhere(model, form, schemas):
    column = model._meta.get_field("customer_credit_code").max_length
    assert form.base_fields["customer_credit_code"].max_length == column
    for schema in schemas:
        field = schema.model_json_schema()["properties"]["customer_credit_code"]
        limits = [field.get("maxLength")] + [
            part.get("maxLength") for part in field.get("anyOf", [])
        ]
        assert column in limits, schema.__name__
