from django.urls import path

from weijian.inspections.planning import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("figures/", views.figures_page, name="figures"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/commit/", views.plan_commit, name="commit"),
    path("<int:pk>/override/", views.plan_override, name="override"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/run/", views.draw_run, name="draw_run"),
    path("draws/<int:pk>/record.json", views.draw_record, name="draw_record"),
]
