from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class WorkspaceConfig(AppConfig):
    """The secretaries' workspace: signing in, the dashboard, council accounts and the ministry's role; each
    app's workspace pages gathered under one address (`workspace/urls.py`)."""

    name = "workspace"
    verbose_name = "Qogam workspace"

    def ready(self):
        from publications.mail import register_composer
        from publications.models import OutgoingMail

        from .password_reset import reset_messages
        from .roles import sync_ministry_group

        # The sender writes a password reset's mail itself, after the response (see password_reset.py).
        register_composer(OutgoingMail.Kind.PASSWORD_RESET, reset_messages)

        # post_migrate is sent only for apps with models: hang the role on the first of ours.
        post_migrate.connect(
            sync_ministry_group,
            sender=apps.get_app_config("councils"),
            dispatch_uid="workspace.sync_ministry_group",
        )
