from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Screening and surveys (DOMAIN §7): the mood thermometer (BSRS-5) as a private self-check and
    in the care team's office tours, the risk-factor checklist, the survey builder with truly
    anonymous answers, results through small-cell suppression, and the suggestion mailbox."""

    name = "surveys"
    verbose_name = _("Screening and surveys")
