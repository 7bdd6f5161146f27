"""ClaimLink: typed links between claims, replacing the untyped Claim.related_claims."""

import django.db.models.deletion
import django.db.models.functions.comparison
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0004_withdrawn_claims_and_language_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalClaimLink',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('same', 'Same claim'), ('contradicts', 'Contradicts'), ('elaborates', 'Elaborates on')], help_text='How the two sentences relate.', max_length=12)),
                ('note', models.TextField(blank=True, help_text='Why they are linked, for other editors and for readers.')),
                ('linked_at', models.DateTimeField(help_text='When they were linked.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('from_claim', models.ForeignKey(blank=True, db_constraint=False, help_text='One end of the link.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.claim')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('linked_by', models.ForeignKey(blank=True, db_constraint=False, help_text='Who linked them; empty for links carried over from before link types.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('to_claim', models.ForeignKey(blank=True, db_constraint=False, help_text='The other end; for “elaborates on”, the claim that is elaborated.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.claim')),
            ],
            options={
                'verbose_name': 'historical claim link',
                'verbose_name_plural': 'historical claim links',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ClaimLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('same', 'Same claim'), ('contradicts', 'Contradicts'), ('elaborates', 'Elaborates on')], help_text='How the two sentences relate.', max_length=12)),
                ('note', models.TextField(blank=True, help_text='Why they are linked, for other editors and for readers.')),
                ('linked_at', models.DateTimeField(help_text='When they were linked.')),
                ('from_claim', models.ForeignKey(help_text='One end of the link.', on_delete=django.db.models.deletion.CASCADE, related_name='links_from', to='claims.claim')),
                ('linked_by', models.ForeignKey(blank=True, help_text='Who linked them; empty for links carried over from before link types.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='claim_links', to=settings.AUTH_USER_MODEL)),
                ('to_claim', models.ForeignKey(help_text='The other end; for “elaborates on”, the claim that is elaborated.', on_delete=django.db.models.deletion.CASCADE, related_name='links_to', to='claims.claim')),
            ],
            options={
                'ordering': ['-linked_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['same', 'contradicts', 'elaborates'])), name='claimlink_kind_valid'), models.CheckConstraint(condition=models.Q(('from_claim', models.F('to_claim')), _negated=True), name='claimlink_not_self'), models.CheckConstraint(condition=models.Q(('kind', 'elaborates'), ('from_claim__lt', models.F('to_claim')), _connector='OR'), name='claimlink_symmetric_ordered'), models.UniqueConstraint(django.db.models.functions.comparison.Least('from_claim', 'to_claim'), django.db.models.functions.comparison.Greatest('from_claim', 'to_claim'), name='claimlink_unique_pair')],
            },
        ),
    ]
