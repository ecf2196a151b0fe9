from django.urls import path

from weijian.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/finding/", views.finding, name="finding"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("publication/", views.publication_page, name="publication"),
]
