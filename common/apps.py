from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What every app uses: forms and widgets, admin bases, rate limits, middleware, template tags, formats,
    the supplement to Django's Kazakh catalogue, and `ActionRefused`. It imports no app of the project."""

    name = "common"
    verbose_name = "Qogam"

    def ready(self):
        from . import converters

        converters.register()  # before any app's address patterns are read

        from . import page_cache

        page_cache.connect()  # a write to public content makes the cached pages stale
