from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class QogamConfig(AppConfig):
    """The configuration package is an app too: it holds the site-wide pages, roles and `seed_demo`."""

    name = "qogam"
    verbose_name = "Qogam"

    def ready(self):
        from . import converters
        from .roles import sync_ministry_group

        converters.register()  # before any app's address patterns are read

        # post_migrate is sent only for apps with models: hang the role on the first of ours.
        post_migrate.connect(
            sync_ministry_group,
            sender=apps.get_app_config("councils"),
            dispatch_uid="qogam.sync_ministry_group",
        )
