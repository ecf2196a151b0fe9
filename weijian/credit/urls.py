"""The credit pages, one namespace ``credit``: the archive and points (:mod:`weijian.credit.views`), the lists,
repair, the cross-region review and the exchange (:mod:`weijian.credit.views_lists`)."""

from django.urls import path

from weijian.credit import views, views_lists
from weijian.credit.exchange import api

app_name = "credit"
urlpatterns = [
    path("", views.credit_list, name="list"),
    path("institutions/<int:pk>/", views.institution_archive, name="archive"),
    path("institutions/<int:pk>/points/", views.points_record, name="points_record"),
    path("institutions/<int:pk>/licence-checks/", views.licence_check_record, name="licence_check_record"),
    path("notices/<int:pk>/send/", views.notice_send, name="notice_send"),
    path("notices/<int:pk>/objection/", views.objection_file, name="objection_file"),
    path("objections/<int:pk>/", views.objection_decide, name="objection_decide"),
    path("practitioners/<int:pk>/", views.practitioner_archive, name="practitioner"),
    path("practitioners/<int:pk>/insurance-points/", views.insurance_points_record, name="insurance_points_record"),
    path("lists/", views_lists.entries, name="entries"),
    path("lists/new/", views_lists.entry_new, name="entry_new"),
    path("lists/<int:pk>/", views_lists.entry, name="entry"),
    path("tasks/", views_lists.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", views_lists.task_done, name="task_done"),
    path("repair/", views_lists.repairs, name="repairs"),
    path("repair/new/<int:disclosure_pk>/", views_lists.repair_new, name="repair_new"),
    path("repair/<int:pk>/", views_lists.repair_detail, name="repair"),
    path("reviews/", views_lists.reviews, name="reviews"),
    path("reviews/<int:pk>/", views_lists.review, name="review"),
    path("exchange/penalties/", views_lists.export_penalties, name="export_penalties"),
    path("exchange/lists/", views_lists.export_lists, name="export_lists"),
    path("exchange/import/", views_lists.import_records, name="import"),
    path("exchange/api/records/", api.records, name="api_records"),
]
