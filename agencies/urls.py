from django.urls import path

from agencies import emergency, views

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/emergency-contact/", emergency.my_emergency_contact, name="my_emergency_contact"),
    path("help/urgent/", views.urgent_help, name="urgent_help"),
    path("hr/", views.hr_home, name="hr_home"),
    path("hr/people/", views.people_list, name="people_list"),
    path("hr/people/<int:pk>/", views.person_detail, name="person_detail"),
    path("hr/agencies/", views.agency_list, name="agency_list"),
    path("hr/agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
]
