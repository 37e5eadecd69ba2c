"""An employee's own emergency contact (DOMAIN §8): kept by the employee, encrypted, and readable
by staff only inside a non-voluntary or crisis case about them (cases.emergency)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveRecord


class EmergencyContact(SensitiveRecord):
    employee = models.OneToOneField("agencies.Employee", on_delete=models.CASCADE, related_name="emergency_contact")
    name = EncryptedTextField(_("name"))
    relation = EncryptedTextField(_("relation"), blank=True, default="")
    phone = EncryptedTextField(_("phone"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")

    def __str__(self):
        return str(self._meta.verbose_name)
