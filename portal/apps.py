from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public site's own pages, which gather from every app: the home page and the health check."""

    name = "portal"
    verbose_name = "Qogam portal"
