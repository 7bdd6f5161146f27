"""The "Chief editors" group was made here. claims.roles makes it now, after every migrate (and
every flush), with its permissions as that module lists them; this stays as history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_publication"),
        ("claims", "0009_claim_version_and_full_change_reasons"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
