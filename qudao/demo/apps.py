from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every module; it sits at the end of the dependency chain."""

    name = "qudao.demo"
    label = "demo"
