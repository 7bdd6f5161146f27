from django.contrib import admin
from django.urls import include, path

from factcheck import sitemaps, views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path(
        "sitemap-<slug:section>-<int:number>.xml",
        sitemaps.sitemap_section,
        name="sitemap_section",
    ),
    # Browsers and feed readers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", views.favicon, name="favicon"),
    path("suggest/<slug:kind>/", views.suggest, name="suggest"),
    path("how-we-rate/", views.how_we_rate, name="how_we_rate"),
    path("methodology/", views.methodology, name="methodology"),
    path("corrections-policy/", views.corrections_policy, name="corrections_policy"),
    path("about/", views.about, name="about"),
    path("", include("claims.urls")),
    path("articles/", include("articles.urls")),
    path("", include("sources.urls")),
]

handler500 = "factcheck.views.server_error"
