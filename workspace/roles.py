"""The ministry staff role (Committee for Civil Society Affairs), kept in step with the models after migrate.

Ministry staff read everything in the admin and change only the ministry's own data (DESIGN.md, "Who acts"):
the list of councils and their members, the consent text, and council accounts. Council content is view-only
for them.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes

MINISTRY_GROUP = "ministry"

# App labels whose every model ministry staff may view.
VIEWABLE_APPS = ("councils", "consultations", "proposals", "publications")
# Models whose rows hold citizens' contacts: not even viewable by ministry staff (DESIGN.md, Proposal).
PRIVATE_MODELS = ("publications.outgoingmail", "publications.subscription")
# Models ministry staff may also add and change.
EDITABLE_MODELS = (
    "councils.region",
    "councils.council",
    "councils.membership",
    "proposals.consenttext",
    "consultations.compliancepolicy",
    "consultations.compliancerulebasis",
    "publications.webhookendpoint",
)
# Accounts: these let the admin show "Users"; workspace/admin.py narrows them to council accounts (no
# staff or superuser flags, groups or permissions, no ministry account, no deletion), whatever is granted here.
ACCOUNT_PERMISSIONS = (("auth", "view_user"), ("auth", "add_user"), ("auth", "change_user"))


def ministry_permission_codenames() -> list[tuple[str, str]]:
    """(app_label, codename) of every permission the ministry group holds."""
    wanted = []
    for label in VIEWABLE_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in PRIVATE_MODELS:
                wanted.append((label, f"view_{model._meta.model_name}"))
    for dotted in EDITABLE_MODELS:
        label, model_name = dotted.split(".")
        wanted += [(label, f"add_{model_name}"), (label, f"change_{model_name}")]
    return wanted + list(ACCOUNT_PERMISSIONS)


def sync_ministry_group(sender, using="default", **kwargs):
    """post_migrate: create the group and give it exactly its permissions (runs after every migrate)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    # Permissions of apps later in INSTALLED_APPS may not exist yet when this runs: make them now.
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)

    query = Q(pk__in=[])
    for label, codename in ministry_permission_codenames():
        query |= Q(content_type__app_label=label, codename=codename)
    group, _ = Group.objects.using(using).get_or_create(name=MINISTRY_GROUP)
    group.permissions.set(Permission.objects.using(using).filter(query))
