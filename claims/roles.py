"""The editorial roles: the "Editors" and "Chief editors" groups and exactly their permissions.

The groups are the code's, like the permissions Django makes for every model: after every
`migrate` (and every `flush`, which a transactional test runs and which empties auth_group),
roles_refresh() makes any group that is missing and sets each group's permissions back to these
lists. A permission given to a group by hand is taken away again; give a person more on their
own user, or in a group of another name. Nothing here is about users or groups.

Migrations claims 0002, 0006 and 0010 made the groups and their permissions before this did;
their steps for it are no-ops now, so this is the one place that says what a role may do.
"""

import sys

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router, transaction

EDITORS_GROUP = "Editors"
CHIEF_EDITORS_GROUP = "Chief editors"

# (app_label, codename). Claims are created by imports, so editors change and view them but do
# not add or delete sentences; evidence, links between claims and sources are theirs to manage.
EDITOR_PERMISSIONS = [
    ("claims", "view_claim"),
    ("claims", "change_claim"),
    ("claims", "view_historicalclaim"),
    ("claims", "add_evidence"),
    ("claims", "change_evidence"),
    ("claims", "delete_evidence"),
    ("claims", "view_evidence"),
    ("claims", "view_historicalevidence"),
    ("claims", "add_claimlink"),
    ("claims", "change_claimlink"),
    ("claims", "delete_claimlink"),
    ("claims", "view_claimlink"),
    ("claims", "view_historicalclaimlink"),
    ("sources", "add_source"),
    ("sources", "change_source"),
    ("sources", "delete_source"),
    ("sources", "view_source"),
    ("sources", "view_historicalsource"),
    ("sources", "add_outlet"),
    ("sources", "change_outlet"),
    ("sources", "view_outlet"),
    ("articles", "view_article"),
    ("articles", "import_article"),
    ("articles", "view_contributor"),
    ("articles", "view_reference"),
    ("articles", "view_citation"),
]
# Everything editors do, plus publishing articles and correcting their metadata (title, outlet,
# date, URL, byline).
CHIEF_EDITOR_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("articles", "publish_article"),
    ("articles", "change_article"),
    ("articles", "add_contributor"),
    ("articles", "change_contributor"),
    ("articles", "delete_contributor"),
]
ROLES = {EDITORS_GROUP: EDITOR_PERMISSIONS, CHIEF_EDITORS_GROUP: CHIEF_EDITOR_PERMISSIONS}


def roles_refresh(
    *, using: str = DEFAULT_DB_ALIAS, apps: Apps = global_apps, verbosity: int = 1
) -> None:
    """Make the role groups that are missing and set each one's permissions to its list.

    apps is the migration state post_migrate hands over (the models as migrated so far).
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    if not router.allow_migrate_model(using, group_model):
        return
    app_labels = sorted({app_label for codes in ROLES.values() for app_label, _ in codes})
    # Django makes each app's permissions in its own post_migrate step; these must exist now,
    # whatever the order of INSTALLED_APPS.
    for app_label in app_labels:
        create_permissions(
            global_apps.get_app_config(app_label), apps=apps, verbosity=0, using=using
        )
    by_code = {
        (app_label, codename): pk
        for pk, app_label, codename in permission_model.objects.using(using)
        .filter(content_type__app_label__in=app_labels)
        .values_list("pk", "content_type__app_label", "codename")
    }
    missing = sorted({code for codes in ROLES.values() for code in codes} - by_code.keys())
    if missing:
        # A database migrated part of the way back may lack a model; the next full migrate
        # has it. (A misspelt codename fails tests/claims/test_admin_roles.py.)
        if verbosity >= 1:
            print(
                "The Editors and Chief editors groups are left as they are: no permission "
                + ", ".join(f"{app_label}.{codename}" for app_label, codename in missing)
                + " yet.",
                file=sys.stderr,
            )
        return
    with transaction.atomic(using=using):
        for name, codes in ROLES.items():
            group, created = group_model.objects.using(using).get_or_create(name=name)
            wanted = {by_code[code] for code in codes}
            had = set(group.permissions.values_list("pk", flat=True))
            if wanted == had:
                continue
            group.permissions.set(wanted)
            if verbosity >= 1 and not created:
                print(
                    f"Set the {name} group's permissions back ({len(wanted - had)} added, "
                    f"{len(had - wanted)} taken away): claims/roles.py defines the role."
                )


def roles_refresh_after_migrate(
    sender: AppConfig, *, using: str, apps: Apps = global_apps, verbosity: int = 1, **kwargs
) -> None:
    roles_refresh(using=using, apps=apps, verbosity=verbosity)
