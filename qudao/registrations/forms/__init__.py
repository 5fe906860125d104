"""Forms of the registration pages, one module per part (named as the services they feed)."""

from .drafts import (
    MAX_PRODUCT_ROWS,
    ProductFormSet,
    ProductRowForm,
    RegistrationForm,
    product_rows,
    regions,
)
from .outcome import CloseForm
from .protection import ExtendForm, ProgressForm
from .registrations import RegistrationFilterForm
from .review import QUEUE_LEVEL_LABELS, DecisionForm, ReviewFilterForm
from .rules import CrossRegionRuleForm, ProtectionRuleForm

__all__ = [
    "MAX_PRODUCT_ROWS",
    "QUEUE_LEVEL_LABELS",
    "CloseForm",
    "CrossRegionRuleForm",
    "DecisionForm",
    "ExtendForm",
    "ProductFormSet",
    "ProductRowForm",
    "ProgressForm",
    "ProtectionRuleForm",
    "RegistrationFilterForm",
    "RegistrationForm",
    "ReviewFilterForm",
    "product_rows",
    "regions",
]
