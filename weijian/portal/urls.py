from django.urls import path

from weijian.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("results/", views.result_list, name="results"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("penalties/", views.penalty_list, name="penalties"),
    path("penalties/<int:pk>/", views.penalty_detail, name="penalty"),
    path("penalties/office/", views.penalty_office, name="penalty_office"),
]
