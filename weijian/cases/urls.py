from django.urls import path

from weijian.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/notify/", views.notify, name="notify"),
    path("clue/<int:pk>/register/", views.register, name="register"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("transfers/", views.inbox, name="inbox"),
    path("transfers/<int:pk>/", views.transfer, name="transfer"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/<int:pk>/", views.supervision_act, name="supervision_act"),
]
