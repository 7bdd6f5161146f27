"""Check-worthiness on claims: the rules' verdict and reasons, and an index for "needs citation"."""

import django.contrib.postgres.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_identity_language_unresolved_citations'),
        ('claims', '0007_similar_claims'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='checkworthy',
            field=models.BooleanField(blank=True, help_text='Whether the sentence states something checkable (a number, an attributed statement, a superlative, a cause), by the rules in claims/checkworthy.py; empty until checked. Check-worthy sentences with no citation need one.', null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='checkworthy_reasons',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=200), blank=True, default=list, help_text='Which rules made it check-worthy and what they matched: “number: over 70”.'),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(condition=models.Q(('checkworthy', True)), fields=['article'], name='claim_checkworthy_idx'),
        ),
    ]
