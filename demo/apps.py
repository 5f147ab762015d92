from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a first look: `seed_demo` builds believable councils, consultations and proposals from
    the official names in demo/data and the texts in demo/content; `demo_server` serves them."""

    name = "demo"
    verbose_name = "Qogam demo"
