"""Pages of the projects app, one module per part; each module has its `urlpatterns` and
registers its own navigation entries, home-page cards and project detail tabs (views/tabs.py).
The work_* modules (milestones, tasks, risks…) are another helper's; qudao/projects/urls.py
lists them."""

from . import documents, editing, history, lists, overview, process_templates, stages, tabs

__all__ = [
    "documents",
    "editing",
    "history",
    "lists",
    "overview",
    "process_templates",
    "stages",
    "tabs",
]
