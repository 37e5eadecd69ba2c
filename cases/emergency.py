"""An employee's emergency contact is read only inside a non-voluntary or crisis case about them
(DOMAIN §8): by those who work on that case, each read logged."""
from core.access_log import AccessAction, record_access


def people_of(case):
    if case.kind == "crisis":
        return [person.employee for person in case.affected.select_related("employee") if person.employee_id]
    return [case.subject] if case.subject_id else []


def emergency_contacts_for(request, case):
    from agencies.models import EmergencyContact
    from cases import access

    if case.kind not in ("non_voluntary", "crisis") or not access.can_work_on(request.user, case):
        return []
    people = people_of(case)
    contacts = list(EmergencyContact.objects.filter(employee__in=people).select_related("employee"))
    for contact in contacts:
        record_access(request, AccessAction.READ, contact, person=contact.employee,
                      purpose=access.purpose_for(request.user, case))
    return contacts
