"""Pages of the registrations app, one module per part; each module has its `urlpatterns` and
registers its own navigation entries and home-page cards."""

from . import detail, editing, lists, review, rules

__all__ = ["detail", "editing", "lists", "review", "rules"]
