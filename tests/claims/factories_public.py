"""Factories for the public pages' tests: claims that already carry a verdict."""

import datetime

import factory
from django.utils import timezone

from claims.models import Claim
from tests.factories import ClaimFactory


class ReviewedClaimFactory(ClaimFactory):
    status = Claim.Status.SUPPORTED
    reason = "The cited report gives the same figure."
    reviewed_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(minutes=n)
    )
