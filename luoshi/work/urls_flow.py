"""Routes of the reporting flow (mounted at /work/): fill, approvals, review, claim and reopen."""

from django.urls import path

from . import views_flow as views

app_name = "flow"

urlpatterns = [
    path("fill/", views.fill, name="fill"),
    path("fill/<int:task_id>/", views.fill_submit, name="fill_submit"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/approve-all/", views.approval_approve_all, name="approve_all"),
    path("approvals/<int:report_id>/approve/", views.approval_approve, name="approve"),
    path("approvals/<int:report_id>/return/", views.approval_return, name="return"),
    path("review/", views.review, name="review"),
    path("review/<int:task_id>/confirm/", views.review_confirm, name="confirm"),
    path("review/<int:task_id>/reject/", views.review_reject, name="reject"),
    path("tasks/<int:task_id>/claim/", views.task_claim_view, name="claim"),
    path("tasks/<int:task_id>/reopen/", views.task_reopen_view, name="reopen"),
    path("tasks/<int:task_id>/close-together/", views.task_close_together_view, name="close_together"),
    path("claims/<int:claim_id>/approve/", views.claim_approve_view, name="claim_approve"),
    path("claims/<int:claim_id>/return/", views.claim_return_view, name="claim_return"),
    path("milestones/<int:milestone_id>/claim/", views.milestone_claim_view, name="milestone_claim"),
    path("milestone-claims/<int:claim_id>/confirm/", views.milestone_confirm_view, name="milestone_confirm"),
    path("milestone-claims/<int:claim_id>/reject/", views.milestone_reject_view, name="milestone_reject"),
]
