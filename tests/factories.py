import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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
    # Made by claims.roles after every migrate and every flush, so a transactional test has it too.
    return Group.objects.get(name=name)


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
