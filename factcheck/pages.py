"""What the public pages of every app share: canonical addresses and paged, filtered lists."""

from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_filters import FilterSet

from factcheck.addresses import AddressPattern

# One page length for every public list, so they read alike.
PAGE_SIZE = 25


def absolute_url(request: HttpRequest, path: str) -> str:
    """An address for canonical links and structured data: the configured site URL when set, so
    every host that serves the site points search engines at the same address."""
    if settings.FACTCHECK_SITE_URL:
        return settings.FACTCHECK_SITE_URL + path
    return request.build_absolute_uri(path)


# A value no real address holds, replaced by each row's own: reverse() once per list, not per row.


def url_pattern(view_name: str, argument: str) -> Callable[[object], str]:
    """A function of one value giving `reverse(view_name, kwargs={argument: value})`, by string
    formatting (factcheck.addresses.AddressPattern). A number stands in for the value while the
    path is reversed, which every id and slug converter accepts."""
    return AddressPattern(view_name, argument, numeric=True)


def list_canonical_url(request: HttpRequest, path: str, page: Page) -> str:
    # Filtered views are the same list seen through a filter; only the page number is its own.
    if page.number > 1:
        return absolute_url(request, f"{path}?page={page.number}")
    return absolute_url(request, path)


def paginate(request: HttpRequest, queryset: QuerySet) -> Page:
    """One page of `queryset`, in two steps: the page's ids, then its rows.

    OFFSET makes Postgres produce every row before the page, and it computes each skipped
    row's whole SELECT list (joins, correlated counts) before throwing it away: the last page
    of 150,000 sources took 18 s. Paging over the ids alone walks the order's index and only
    the page's 25 rows are then loaded with everything they show. The count is of the ids
    too, so it never computes a row's counts either."""
    # get_page turns a page number a reader mistyped ("abc", "-1", "99999") into a real page.
    page = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The page's ids stay a subquery (… WHERE id IN (SELECT id … LIMIT 25 OFFSET n)): one
    # query, ordered as the list is.
    page.object_list = list(queryset.filter(pk__in=page.object_list))
    return page


def render_filtered_list(
    request: HttpRequest, template_name: str, filterset: FilterSet, list_path: str
) -> HttpResponse:
    page = paginate(request, filterset.qs)
    return render(
        request,
        template_name,
        {
            "filterset": filterset,
            "page_obj": page,
            "canonical_url": list_canonical_url(request, list_path, page),
        },
    )


def correlated_count(rows: QuerySet, outer_field: str) -> Coalesce:
    """How many of `rows` belong to each outer row, `rows` being filtered on
    OuterRef("pk") through `outer_field`. A correlated count rather than a JOIN + GROUP BY: the
    outer query keeps one row each, and only the rows it returns pay for their counts."""
    return Coalesce(
        Subquery(rows.order_by().values(outer_field).annotate(total=Count("pk")).values("total")),
        0,
    )
