from django.urls import path

from weijian.complaints import public_views

app_name = "complaint_portal"
urlpatterns = [
    path("", public_views.redirect_to_new, name="index"),
    path("new/", public_views.complaint_new, name="new"),
    path("receipt/", public_views.complaint_receipt, name="receipt"),
    path("track/", public_views.complaint_track, name="track"),
]
