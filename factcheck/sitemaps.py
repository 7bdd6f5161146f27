"""The sitemap: an index (/sitemap.xml) of sections of at most 50,000 addresses each.

The protocol allows 50,000 URLs per file, and a million claims need about twenty files. A
section page is a range of primary keys, not an OFFSET into a sorted list: page n of a section
lists its rows with ids in ((n - 1) * 50,000, n * 50,000], so a page can never hold more than
50,000 addresses, every page is one range scan of the primary key index whatever its number,
and a row keeps its page as others are added or deleted. The index lists only the pages that
hold a row: one query, an EXISTS probe per possible page.

Readers' rules apply: articles a chief editor unpublished and their claims are not listed, and
a claim is listed once it is reviewed (an unreviewed sentence is a bare quotation until someone
checks it: not worth indexing).
"""

from collections.abc import Callable
from dataclasses import dataclass
from html import escape as escape_xml
from urllib.parse import quote

from django.db import connections
from django.db.models import CharField, F, Func, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from articles.models import Article
from claims.models import Claim
from factcheck.addresses import PLAIN_KEY, AddressPattern
from factcheck.pages import absolute_url
from sources.models import Outlet, Source

# The protocol's limits: URLs per sitemap file, and sitemaps per index (a page number past it
# could never be listed, and would overflow the id arithmetic long before that).
URLS_PER_PAGE = 50_000
MAX_PAGES = 50_000
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"

# The public pages that are not one object's: the lists, and the publication's own pages.
PUBLIC_LISTS = [
    "claims:home",
    "claims:claim_list",
    "articles:article_list",
    "sources:source_list",
    "sources:outlet_list",
    "claims:corrections",
]
PUBLICATION_PAGES = ["how_we_rate", "methodology", "corrections_policy", "about"]
STATIC_SECTION = "pages"


@dataclass(frozen=True)
class Section:
    """One kind of object with a public page: which rows readers may see, how to address one."""

    rows: Callable[[], QuerySet]
    view_name: str
    # The field that goes into the page's address, and the keyword the URL pattern names it.
    key_field: str
    url_keyword: str
    lastmod_field: str | None = None

    def address_pattern(self) -> AddressPattern:
        return AddressPattern(self.view_name, self.url_keyword, numeric=self.key_field == "pk")

    def page_rows(self, number: int) -> QuerySet:
        return self.rows().filter(
            pk__gt=(number - 1) * URLS_PER_PAGE, pk__lte=number * URLS_PER_PAGE
        )


SECTIONS = {
    "articles": Section(
        rows=lambda: Article.objects.published(),
        view_name="articles:article_detail",
        key_field="slug",
        url_keyword="slug",
        lastmod_field="updated_at",
    ),
    "claims": Section(
        rows=lambda: Claim.objects.of_published_articles().reviewed(),
        view_name="claims:claim_detail",
        key_field="pk",
        url_keyword="pk",
        lastmod_field="reviewed_at",
    ),
    "sources": Section(
        rows=lambda: Source.objects.all(),
        view_name="sources:source_detail",
        key_field="pk",
        url_keyword="pk",
    ),
    "outlets": Section(
        rows=lambda: Outlet.objects.all(),
        view_name="sources:outlet_detail",
        key_field="slug",
        url_keyword="slug",
    ),
}


def section_page_path(section: str, number: int) -> str:
    return reverse("sitemap_section", kwargs={"section": section, "number": number})


def pages_with_rows() -> list[tuple[str, int]]:
    """(section, page number) of every section page that lists at least one row, in order.

    One statement: per section, the page numbers up to the table's highest id
    (generate_series), each kept if an EXISTS probe of its id range finds a row readers may see.
    Each probe stops at the first such row, so this reads a few index entries per page."""
    statements, parameters = [], []
    database = None
    for name, section in SECTIONS.items():
        probe = (
            section.rows()
            .filter(
                pk__gt=RawSQL("(sitemap_page.number - 1) * %s", (URLS_PER_PAGE,)),
                pk__lte=RawSQL("sitemap_page.number * %s", (URLS_PER_PAGE,)),
            )
            .order_by()
            .values("pk")[:1]
        )
        database = probe.db
        probe_sql, probe_parameters = probe.query.sql_with_params()
        table = connections[database].ops.quote_name(section.rows().model._meta.db_table)
        statements.append(
            f"SELECT %s, sitemap_page.number FROM generate_series(1, "
            f"(SELECT (COALESCE(MAX(id), 0) + %s - 1) / %s FROM {table})) "
            f"AS sitemap_page(number) WHERE EXISTS ({probe_sql})"
        )
        parameters.extend([name, URLS_PER_PAGE, URLS_PER_PAGE, *probe_parameters])
    sql = " UNION ALL ".join(f"({statement})" for statement in statements)
    with connections[database].cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 1, 2", parameters)
        found = cursor.fetchall()
    order = list(SECTIONS)
    return sorted(found, key=lambda row: (order.index(row[0]), row[1]))


def xml_response(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/xml")
    # As Django's own sitemap views: the sitemap is for crawlers, not a page to index.
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def sitemap_index(request: HttpRequest) -> HttpResponse:
    pages = [(STATIC_SECTION, 1), *pages_with_rows()]
    entries = [
        f"<sitemap><loc>{escape_xml(absolute_url(request, section_page_path(name, number)))}"
        "</loc></sitemap>\n"
        for name, number in pages
    ]
    return xml_response(
        f'{XML_DECLARATION}<sitemapindex xmlns="{SITEMAP_NAMESPACE}">\n'
        f"{''.join(entries)}</sitemapindex>\n"
    )


def w3c_datetime(field: str) -> Func:
    """The field as a W3C datetime in UTC ("2024-03-04T05:06:07+00:00"), formatted by
    PostgreSQL: 50,000 datetimes converted and formatted in Python cost more than the query."""
    return Func(
        F(field),
        Value('YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
        function="to_char",
        template="%(function)s(%(expressions)s)",
        arg_joiner=" AT TIME ZONE 'UTC', ",
        output_field=CharField(),
    )


def url_key(value: object) -> str:
    """An id, or a slug percent-encoded if it is not plain ASCII (as reverse() would)."""
    text = str(value)
    return text if PLAIN_KEY.fullmatch(text) else quote(text, safe="")


def sitemap_section(request: HttpRequest, section: str, number: int) -> HttpResponse:
    # The site address and the address pattern are the same for every row: escaped once. Keys
    # are ids and percent-encoded slugs, which hold nothing to escape.
    site = absolute_url(request, "/").removesuffix("/")
    if section == STATIC_SECTION and number == 1:
        entries = [
            f"<url><loc>{escape_xml(site + reverse(name))}</loc></url>\n"
            for name in [*PUBLIC_LISTS, *PUBLICATION_PAGES]
        ]
    elif section in SECTIONS and 1 <= number <= MAX_PAGES:
        described = SECTIONS[section]
        pattern = described.address_pattern()
        before, after = escape_xml(site + pattern.before), escape_xml(pattern.after)
        rows = described.page_rows(number).order_by("pk")
        if described.lastmod_field:
            entries = [
                f"<url><loc>{before}{url_key(key)}{after}</loc><lastmod>{lastmod}</lastmod></url>\n"
                if lastmod
                else f"<url><loc>{before}{url_key(key)}{after}</loc></url>\n"
                for key, lastmod in rows.values_list(
                    described.key_field, w3c_datetime(described.lastmod_field)
                )
            ]
        else:
            entries = [
                f"<url><loc>{before}{url_key(key)}{after}</loc></url>\n"
                for key in rows.values_list(described.key_field, flat=True)
            ]
    else:
        entries = []
    if not entries:
        raise Http404("No such sitemap page.")
    return xml_response(
        f'{XML_DECLARATION}<urlset xmlns="{SITEMAP_NAMESPACE}">\n{"".join(entries)}</urlset>\n'
    )
