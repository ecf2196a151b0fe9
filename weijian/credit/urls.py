from django.urls import path

from weijian.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.credit_list, name="list"),
    path("institutions/<int:pk>/", views.institution_archive, name="archive"),
    path("institutions/<int:pk>/points/", views.points_record, name="points_record"),
    path("notices/<int:pk>/send/", views.notice_send, name="notice_send"),
    path("notices/<int:pk>/objection/", views.objection_file, name="objection_file"),
    path("objections/<int:pk>/", views.objection_decide, name="objection_decide"),
    path("practitioners/<int:pk>/", views.practitioner_archive, name="practitioner"),
]
