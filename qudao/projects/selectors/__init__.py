"""Reads of the projects app, always scoped, one module per feature (the same names as
services/, views/ and api/). The project list and detail reads, which other modules start
from, are re-exported here.

Every function that takes a `project` expects one loaded through project_get_for_user
(outside the user's scope: a 404 before anything here runs) and looks children up only within
it, so an id of another project's item is a 404 too. Every list loads its related rows with it:
a fixed number of queries, whatever the number of rows."""

from .projects import (
    SORTS,
    project_get_for_user,
    projects_page,
    projects_search,
    projects_visible_to,
)

__all__ = [
    "SORTS",
    "project_get_for_user",
    "projects_page",
    "projects_search",
    "projects_visible_to",
]
