from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from factcheck.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("claims.urls")),
    path("articles/", include("articles.urls")),
    path("", include("sources.urls")),
]
