"""The review desk: a queue of claims, each beside its article and sources, save and next.

Inside the admin (its login and permissions), at /admin/claims/claim/review/. The queue is a
filter (an article, an outlet, "needs a citation", unreviewed only or every claim) carried in
the query string, so every state is a link. One page per claim: the article's text around the
sentence with every claim marked by its verdict; the sentence, what its cited sources say, its
evidence with quotes checked, linked and similar claims, its timeline; the verdict form. Plain
forms work without JavaScript; static/js/desk.js adds the keyboard shortcuts the page lists.

A save is one transaction that locks the claim and is refused when the claim changed since the
page was loaded (claims.forms.LoadedVersionMixin), showing what the other editor changed.
"""

from django.contrib.admin import AdminSite
from django.urls import path


def urls(admin_site: AdminSite) -> list:
    """The desk's two pages, under the claims admin (ClaimAdmin.get_urls)."""
    from claims.desk import views

    wrap = admin_site.admin_view
    return [
        path(
            "review/",
            wrap(lambda request: views.desk_start_view(request, admin_site)),
            name="claims_desk",
        ),
        path(
            "review/<int:claim_id>/",
            wrap(lambda request, claim_id: views.desk_claim_view(request, claim_id, admin_site)),
            name="claims_desk_claim",
        ),
    ]
