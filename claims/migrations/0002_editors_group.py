"""The "Editors" group: review claims, manage evidence and sources; nothing about users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Editors"

# (app_label, codename). Claims are created by imports, so editors change and view them but do
# not add or delete sentences; evidence and sources are theirs to manage.
EDITOR_PERMISSIONS = [
    ("claims", "view_claim"),
    ("claims", "change_claim"),
    ("claims", "view_historicalclaim"),
    ("claims", "add_evidence"),
    ("claims", "change_evidence"),
    ("claims", "delete_evidence"),
    ("claims", "view_evidence"),
    ("claims", "view_historicalevidence"),
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


def create_editors_group(apps, schema_editor) -> None:
    # Permissions are normally created after all migrations ran; this migration needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=EDITORS_GROUP)
    permissions = []
    for app_label, codename in EDITOR_PERMISSIONS:
        permissions.append(
            permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(permissions)


def delete_editors_group(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0002_initial"),
        ("sources", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
