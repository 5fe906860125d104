"""Input cleaning for the project services: the kit's Cleaner (core.cleaning) with what only a
project knows, its team."""

from django.db.models import Q
from django.utils.translation import gettext as _

from qudao.core.cleaning import MAX_TEXT, Cleaner, pk_of
from qudao.core.models import User

from ..models import Project, ProjectMember

__all__ = ["MAX_TEXT", "ProjectCleaner", "pk_of", "team_users"]


def team_users(project: Project) -> Q:
    """Users on `project`'s team (the owner is always a member, see services.projects)."""
    return Q(pk=project.owner_id) | Q(
        pk__in=ProjectMember.objects.filter(project=project).values("user_id")
    )


class ProjectCleaner(Cleaner):
    def team_member(self, field: str, project: Project, *, required: bool = False) -> User | None:
        """A user on `project`'s team (who can carry an owner's duty there)."""
        if self.skips(field):
            return None
        value = pk_of(self.data.get(field))
        if value in (None, ""):
            if required:
                self.errors[field] = _("Choose someone from the project team.")
            self.values[field] = None
            return None
        user = None
        if str(value).isdigit():
            user = User.objects.filter(team_users(project), pk=value, is_active=True).first()
        if user is None:
            self.errors[field] = _("Choose someone from the project team.")
        self.values[field] = user
        return user
