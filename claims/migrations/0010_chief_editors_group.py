"""The "Chief editors" group: everything editors do, plus publishing articles and correcting
their metadata (title, outlet, date, URL, byline). Nothing about users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Editors"
CHIEF_EDITORS_GROUP = "Chief editors"

# (app_label, codename) beyond the Editors group's own permissions.
CHIEF_EDITOR_PERMISSIONS = [
    ("articles", "publish_article"),
    ("articles", "change_article"),
    ("articles", "add_contributor"),
    ("articles", "change_contributor"),
    ("articles", "delete_contributor"),
]


def create_chief_editors_group(apps, schema_editor) -> None:
    # Permissions are normally created after all migrations ran; this migration needs them now
    # (publish_article is new in articles 0004).
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    editors, _ = group_model.objects.get_or_create(name=EDITORS_GROUP)
    chief_editors, _ = group_model.objects.get_or_create(name=CHIEF_EDITORS_GROUP)
    extra = [
        permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in CHIEF_EDITOR_PERMISSIONS
    ]
    chief_editors.permissions.set([*editors.permissions.all(), *extra])


def delete_chief_editors_group(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=CHIEF_EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_publication"),
        ("claims", "0009_claim_version_and_full_change_reasons"),
    ]

    operations = [migrations.RunPython(create_chief_editors_group, delete_chief_editors_group)]
