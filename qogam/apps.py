from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class QogamConfig(AppConfig):
    """The configuration package is an app too: it holds the site-wide pages, roles and `seed_demo`."""

    name = "qogam"
    verbose_name = "Qogam"

    def ready(self):
        from publications.mail import register_composer
        from publications.models import OutgoingMail

        from . import converters
        from .password_reset import reset_messages
        from .roles import sync_ministry_group

        converters.register()  # before any app's address patterns are read
        # The sender writes a password reset's mail itself, after the response (see password_reset.py).
        register_composer(OutgoingMail.Kind.PASSWORD_RESET, reset_messages)

        # post_migrate is sent only for apps with models: hang the role on the first of ours.
        post_migrate.connect(
            sync_ministry_group,
            sender=apps.get_app_config("councils"),
            dispatch_uid="qogam.sync_ministry_group",
        )
