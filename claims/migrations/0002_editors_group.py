"""The "Editors" group was made here. claims.roles makes it now, after every migrate (and
every flush), with its permissions as that module lists them; this stays as history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0002_initial"),
        ("sources", "0001_initial"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
