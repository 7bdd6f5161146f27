import datetime
import importlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from articles.models import Article
from claims.models import Claim, Evidence
from sources.models import Outlet, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


def role_group(name: str) -> Group:
    """The Editors or Chief editors group, as the migrations make it.

    A transactional test's flush empties every table, migration data included; the permissions
    come back (post_migrate), the groups do not, so they are made again from the same lists.
    """
    group = Group.objects.filter(name=name).first()
    if group is not None:
        return group
    editors = importlib.import_module("claims.migrations.0002_editors_group")
    links = importlib.import_module("claims.migrations.0006_related_claims_to_links")
    chiefs = importlib.import_module("claims.migrations.0010_chief_editors_group")
    codenames = [
        *editors.EDITOR_PERMISSIONS,
        *(("claims", codename) for codename in links.LINK_PERMISSIONS),
    ]
    if name == chiefs.CHIEF_EDITORS_GROUP:
        codenames += chiefs.CHIEF_EDITOR_PERMISSIONS
    group = Group.objects.create(name=name)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
    )
    return group


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def editors_group(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.groups.add(role_group("Editors"))


class ChiefEditorFactory(EditorFactory):
    username = factory.Sequence(lambda n: f"chief{n}")

    @factory.post_generation
    def chief_editors_group(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.groups.add(role_group("Chief editors"))


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-number-{n}")
    outlet = factory.SubFactory(OutletFactory)
    published_on = datetime.date(2023, 5, 25)
    body = "First sentence of the article. Second sentence of it."
    source_file_name = factory.Sequence(lambda n: f"article-{n}.txt")
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    imported_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    ordinal = factory.Sequence(lambda n: n)
    text = "First sentence of the article."
    start = 0
    end = 30
    paragraph = 0
    # The test corpus is English, as an imported English article's claims are.
    search_config = "english"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Cited work {n}")
    outlet = factory.SubFactory(OutletFactory)
    published_on = datetime.date(2023, 5, 24)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Evidence.Stance.SUPPORTS
