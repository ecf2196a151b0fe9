from django.urls import path

from weijian.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/lines.xlsx", views.lines_export, name="lines_export"),
]
