from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models.directory import Channel
from plans.models.validators import refuse_unknown_codes


class Service(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual counseling")
    FAMILY = "family", _("Family counseling")
    GROUP = "group", _("Group counseling")
    LEGAL = "legal", _("Legal consulting")
    FINANCIAL = "financial", _("Financial consulting")
    TAX = "tax", _("Tax consulting")
    MEDICAL = "medical", _("Medical consulting")
    MANAGEMENT = "management", _("Management consulting")
    CAREER = "career", _("Career consulting")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote (licensed providers)")


def validate_services(value):
    refuse_unknown_codes(value, Service)


def validate_modes(value):
    refuse_unknown_codes(value, Mode)


class ProviderQuerySet(models.QuerySet):
    def visible_to(self, user):
        from plans import access

        return access.providers_visible_to(user, self)

    def editable_by(self, user):
        from plans import access

        return access.providers_editable_by(user, self)


class Provider(models.Model):
    """A standing organisation the city contracts with (張老師基金會, 凱旋醫院, a counseling clinic)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("web site"), blank=True)
    data_protection = models.TextField(_("data-protection measures"), blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff accounts"), blank=True,
                                   related_name="provider_memberships")

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Counselor(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="counselors")
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=10, choices=[("female", _("Female")), ("male", _("Male"))],
                              blank=True)
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    license_number = models.CharField(_("licence number"), max_length=60, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="counselor")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counselor")
        verbose_name_plural = _("counselors")
        ordering = ["provider", "name"]

    def __str__(self):
        return self.name


class ContractType(models.TextChoices):
    HOURS = "hours", _("Hours against the plan's quota")
    FEE_SUBSIDY = "fee_subsidy", _("Fee subsidy for a referred counselor")
    FREE = "free", _("Free service, outside the quota")


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        from plans import access

        return access.contracts_visible_to(user, self)

    def editable_by(self, user):
        from plans import access

        return access.contracts_editable_by(user, self)


class Contract(models.Model):
    """A provider's contract for one plan year: what it offers, how to reach it, what an hour costs."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="contracts")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    contract_type = models.CharField(_("type"), max_length=20, choices=ContractType.choices,
                                     default=ContractType.HOURS)
    services = models.JSONField(_("services"), default=list, validators=[validate_services])
    modes = models.JSONField(_("modes"), default=list, validators=[validate_modes])
    address = models.CharField(_("address"), max_length=200, blank=True)
    booking_link = models.URLField(_("booking link"), blank=True)
    price_per_hour = models.DecimalField(_("price per hour (NT$)"), max_digits=8, decimal_places=0, null=True,
                                         blank=True)
    subsidy_hours = models.DecimalField(_("subsidised hours at most"), max_digits=4, decimal_places=1, null=True,
                                        blank=True)
    notes = models.TextField(_("as the plan says"), blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["plan", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "provider"], name="one_contract_per_plan_and_provider"),
            models.CheckConstraint(condition=~Q(contract_type="fee_subsidy") | Q(subsidy_hours__isnull=False),
                                   name="fee_subsidy_has_hours"),
        ]

    def __str__(self):
        return f"{self.plan.year}年 {self.provider}"


class ContractChannel(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    value = models.CharField(_("number, address or link"), max_length=200)
    hours = models.CharField(_("service hours"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")

    def __str__(self):
        return f"{self.get_channel_display()} {self.value}"
