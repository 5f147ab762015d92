from django.apps import AppConfig
from django.db.models.signals import post_migrate


class QogamConfig(AppConfig):
    """The configuration package is an app too: it holds the site-wide pages, roles and `seed_demo`."""

    name = "qogam"
    verbose_name = "Qogam"

    def ready(self):
        from .roles import sync_ministry_group

        post_migrate.connect(sync_ministry_group, sender=self, dispatch_uid="qogam.sync_ministry_group")
