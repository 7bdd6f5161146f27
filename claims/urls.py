from django.urls import path

from claims import exports, feeds, views

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/export.csv", exports.claims_csv, name="claims_csv"),
    path("claims/export.json", exports.claims_json, name="claims_json"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("corrections/", views.corrections, name="corrections"),
    path("feeds/reviewed/", feeds.ReviewedClaimsFeed(), name="feed_reviewed"),
    path("feeds/contested/", feeds.ContestedClaimsFeed(), name="feed_contested"),
]
