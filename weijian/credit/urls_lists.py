from django.urls import path

from weijian.credit import views_lists as views
from weijian.credit.exchange import api

app_name = "credit_lists"
urlpatterns = [
    path("lists/", views.entries, name="entries"),
    path("lists/new/", views.entry_new, name="entry_new"),
    path("lists/<int:pk>/", views.entry, name="entry"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("repair/", views.repairs, name="repairs"),
    path("repair/new/<int:disclosure_pk>/", views.repair_new, name="repair_new"),
    path("repair/<int:pk>/", views.repair_detail, name="repair"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("exchange/penalties/", views.export_penalties, name="export_penalties"),
    path("exchange/lists/", views.export_lists, name="export_lists"),
    path("exchange/import/", views.import_records, name="import"),
    path("exchange/api/records/", api.records, name="api_records"),
]
