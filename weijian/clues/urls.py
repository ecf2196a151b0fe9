from django.urls import path

from weijian.clues import views

app_name = "clues"
urlpatterns = [
    path("", views.clue_list, name="list"),
    path("<int:pk>/", views.clue_detail, name="detail"),
]
