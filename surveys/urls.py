from django.urls import path

from surveys.views import care, results, selfcheck, surveys

urlpatterns = [
    # The employee's private self-check (心情溫度計).
    path("self-check/", selfcheck.take, name="self_check"),
    path("self-check/history/", selfcheck.history, name="self_check_history"),
    path("self-check/<int:pk>/", selfcheck.result, name="self_check_result"),
    path("self-check/<int:pk>/contact/", selfcheck.accept_contact, name="self_check_contact"),
    path("self-check/<int:pk>/urgent/", selfcheck.contact_now, name="self_check_urgent"),
    # The care team's screenings: office tours and the risk-factor checklist.
    path("care/tours/", care.tours, name="office_tours"),
    path("care/tours/<int:pk>/", care.tour, name="office_tour"),
    path("care/tours/<int:pk>/screenings/", care.add_tour_screening, name="tour_add_screening"),
    path("care/checklist/", care.checklist, name="risk_checklist"),
    path("care/screenings/<int:pk>/", care.screening, name="screening_detail"),
    path("care/screenings/<int:pk>/form/", care.scanned_form, name="screening_form"),
    # Surveys: answering, and the suggestion mailbox.
    path("surveys/", surveys.my_surveys, name="my_surveys"),
    path("surveys/<int:pk>/", surveys.answer, name="answer_survey"),
    path("suggestions/", surveys.suggest, name="suggestion_box"),
    # Results (suppressed) and the mailbox, for HR.
    path("hr/surveys/", results.survey_list, name="survey_results_list"),
    path("hr/surveys/<int:pk>/", results.survey_results, name="survey_results"),
    path("hr/suggestions/", results.suggestions, name="suggestions"),
]
