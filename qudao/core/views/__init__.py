"""Pages of the core app, one module per feature (the same names as `core/services/`)."""

# Other apps' views import these two from here until they use `qudao.core.web` directly.
from qudao.core.web import form_errors as _form_errors
from qudao.core.web import is_htmx

__all__ = ["_form_errors", "is_htmx"]
