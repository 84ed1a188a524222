from django.urls import path

from booking import views

app_name = "booking"
urlpatterns = [
    path("", views.start, name="start"),
    path("done/", views.done, name="done"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/reschedule/", views.manage_reschedule, name="manage_reschedule"),
    path("manage/<str:token>/data/", views.manage_data_request, name="manage_data_request"),
    path("manage/<str:token>/recheck/", views.manage_recheck, name="manage_recheck"),
    path(
        "manage/<str:token>/recheck/questions/",
        views.manage_recheck_questions,
        name="manage_recheck_questions",
    ),
    path("manage/<str:token>/questions/", views.answer_questions, name="answer_questions"),
    path("manage/<str:token>/calendar.ics", views.manage_calendar, name="manage_calendar"),
    path("<slug:step>/", views.step, name="step"),
]
