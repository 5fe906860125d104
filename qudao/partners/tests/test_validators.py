import pytest
from django.core.exceptions import ValidationError

from qudao.partners.validators import credit_code_check_char, validate_credit_code


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91110000600037341L", "91440300MA5EXAMP0Q"[:17]]
)
def test_real_codes_pass_and_the_check_char_is_recomputed(code):
    full = code if len(code) == 18 else code + credit_code_check_char(code)

    validate_credit_code(full)
    validate_credit_code(full.lower())  # case does not matter
    assert credit_code_check_char(full[:17]) == full[17]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "check_digit"),
        ("91350100M000100Y4", "format"),
        ("91350100M000100Y433", "format"),
        ("91350100M000I00Y43", "format"),  # I is not in the alphabet
        ("", "format"),
    ],
)
def test_bad_codes_are_refused(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)

    assert error.value.code == reason
