"""pg_trgm (similarity functions for ranking similar claims) and stored link suggestions."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_initial'),
        ('claims', '0006_related_claims_to_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Needs a superuser or a database owner; the extension ships with PostgreSQL.
        TrigramExtension(),
        migrations.CreateModel(
            name='LinkSuggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.FloatField(help_text='How alike the two sentences are, 0 to 1.')),
                ('found_at', models.DateTimeField(help_text='When suggest_links last scored the pair.')),
                ('dismissed_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-score', 'id'],
            },
        ),
        migrations.AddField(
            model_name='linksuggestion',
            name='dismissed_by',
            field=models.ForeignKey(blank=True, help_text='Who said the pair is not worth a link.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='linksuggestion',
            name='first_claim',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='claims.claim'),
        ),
        migrations.AddField(
            model_name='linksuggestion',
            name='second_claim',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='claims.claim'),
        ),
        migrations.AddIndex(
            model_name='linksuggestion',
            index=models.Index(models.OrderBy(models.F('score'), descending=True), models.F('id'), condition=models.Q(('dismissed_at__isnull', True)), name='linksuggestion_open_score_idx'),
        ),
        migrations.AddConstraint(
            model_name='linksuggestion',
            constraint=models.CheckConstraint(condition=models.Q(('first_claim__lt', models.F('second_claim'))), name='linksuggestion_ordered_pair'),
        ),
        migrations.AddConstraint(
            model_name='linksuggestion',
            constraint=models.UniqueConstraint(fields=('first_claim', 'second_claim'), name='linksuggestion_unique_pair'),
        ),
    ]
