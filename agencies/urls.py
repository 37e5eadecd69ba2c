from django.urls import path

from agencies import account_views, emergency, my_data_views, roster_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/emergency-contact/", emergency.my_emergency_contact, name="my_emergency_contact"),
    # The person's own rights (issue 11): their records, who read them, corrections, consents.
    path("me/data/", my_data_views.my_data, name="my_data"),
    path("me/data/access/", my_data_views.my_access_history, name="my_access_history"),
    path("me/data/corrections/new/", my_data_views.ask_correction, name="ask_correction"),
    path("me/data/self-checks/<int:pk>/withdraw-contact/", my_data_views.withdraw_contact,
         name="withdraw_contact"),
    path("me/data/self-checks/<int:pk>/withdraw-sharing/", my_data_views.withdraw_sharing,
         name="withdraw_sharing"),
    path("audit/corrections/", my_data_views.correction_list, name="correction_list"),
    path("audit/corrections/<int:pk>/", my_data_views.correction_detail, name="correction_detail"),
    path("help/urgent/", views.urgent_help, name="urgent_help"),
    path("hr/", views.hr_home, name="hr_home"),
    path("hr/people/", views.people_list, name="people_list"),
    path("hr/people/<int:pk>/", views.person_detail, name="person_detail"),
    path("hr/people/<int:pk>/activation-code/", account_views.print_person_code, name="print_person_code"),
    path("hr/people/activation-codes/", account_views.activation_codes, name="activation_codes"),
    # Public; listed before django.contrib.auth.urls, which eap_portal/urls.py mounts at accounts/.
    path("accounts/activate/", account_views.activate_account, name="activate_account"),
    # Roster imports: upload, preview with row errors, then commit all or nothing (issue 10).
    path("hr/roster/", roster_views.import_list, name="roster_imports"),
    path("hr/roster/template.csv", roster_views.import_template, name="roster_template"),
    path("hr/roster/<int:pk>/", roster_views.import_detail, name="roster_import_detail"),
    path("hr/roster/<int:pk>/errors.csv", roster_views.import_errors_csv, name="roster_import_errors"),
    path("hr/roster/<int:pk>/commit/", roster_views.import_commit, name="roster_import_commit"),
    path("hr/roster/<int:pk>/discard/", roster_views.import_discard, name="roster_import_discard"),
    path("hr/agencies/", views.agency_list, name="agency_list"),
    path("hr/agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
]
