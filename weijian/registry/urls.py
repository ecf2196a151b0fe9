from django.urls import path

from weijian.registry import views

app_name = "registry"
urlpatterns = [
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/<str:uscc>/", views.institution_detail, name="institution_detail"),
    path("practitioners/", views.practitioner_list, name="practitioner_list"),
    path("practitioners/<str:cert_no>/", views.practitioner_detail, name="practitioner_detail"),
    path("inspectors/", views.inspector_list, name="inspector_list"),
    path("inspectors/<str:badge_no>/", views.inspector_detail, name="inspector_detail"),
    path("import/", views.import_page, name="import"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_batch, name="import_batch"),
    path("import/<int:pk>/rejects.xlsx", views.import_rejects, name="import_rejects"),
]
