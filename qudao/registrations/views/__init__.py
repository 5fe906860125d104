"""Pages of the registrations app, one module per part, each with its `urlpatterns` (the
side-bar entries and home-page cards are in `navigation.py`)."""

from . import detail, drafts, registrations, review, rules

__all__ = ["detail", "drafts", "registrations", "review", "rules"]
