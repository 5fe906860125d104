"""The one way a record changes state: its app declares the allowed moves in one map (a dict
from each state to the states it may become, next to the TextChoices with a comment per state),
and `transition` checks the move, saves it and writes the audit row. An illegal move is a
ConflictError (409 in the API) everywhere: the record is not in a state that allows it."""

from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.translation import gettext as _

from .errors import ConflictError
from .models import AuditEntry, User
from .services.audit import audit_record


def state_label(obj: models.Model, value: str, field: str = "status") -> str:
    """The translated label of `value` among the choices of `obj`'s `field`."""
    return str(dict(obj._meta.get_field(field).flatchoices).get(value, value))


def transition_check(
    obj: models.Model, to: str, moves: Mapping[str, Iterable[str]], *, field: str = "status"
) -> None:
    """Raise ConflictError unless `obj` may move from its current state to `to`."""
    before = getattr(obj, field)
    if to not in moves.get(before, ()):
        raise ConflictError(
            _("This %(thing)s is %(state)s; it cannot become %(to)s.")
            % {
                "thing": obj._meta.verbose_name,
                "state": state_label(obj, before, field),
                "to": state_label(obj, to, field),
            }
        )


def transition(
    obj: models.Model,
    to: str,
    moves: Mapping[str, Iterable[str]],
    *,
    actor: User | None,
    note: str = "",
    field: str = "status",
    also: Iterable[str] = (),
) -> str:
    """Move `obj` (locked by the caller) to `to` if `moves` allows it: save the state field and
    the fields named in `also` (set by the caller before), record the audit row, and return the
    state it left."""
    transition_check(obj, to, moves, field=field)
    before = getattr(obj, field)
    setattr(obj, field, to)
    obj.save(update_fields=[field, *also] if also else None)
    audit_record(
        actor=actor,
        obj=obj,
        action=AuditEntry.Action.STATE,
        changes={field: [before, to]},
        note=note,
    )
    return before


def locked(obj: models.Model) -> models.Model:
    """`obj` read again under a row lock (inside the caller's transaction)."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
