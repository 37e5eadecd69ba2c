"""HR's counseling forms: the agency EAP officer's request for group counseling (DOMAIN §4)."""
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import subtree_q
from agencies.models import Agency
from counseling import ledger, services
from counseling.access import GROUP_REQUESTERS
from counseling.models import GroupTopic, QuotaAccount
from plans.models import Contract, ContractType, Service


def requesting_agencies(user):
    """The agencies the officer may ask group counseling for: those they keep, in their EAP subtree."""
    today = timezone.localdate()
    return (Agency.objects.editable_by(user).filter(subtree_q(user, GROUP_REQUESTERS, "path"))
            .exclude(dissolved_on__lte=today).order_by("path"))


def group_offers(agencies, year):
    """{agency pk: [Offer]} — the contracts offering group counseling under the plans of `year`
    that cover each agency (the plans of the agency and its ancestors), with the pool they draw on.
    A contract with no group hours to draw on (an hours contract whose plan has no group pool, or
    a fee subsidy, which is an employee's) offers nothing to a group."""
    agencies = list(agencies)
    owners = {pk for agency in agencies for pk in agency.ancestor_ids()}
    contracts = [contract for contract in Contract.objects.filter(plan__year=year, plan__owner_id__in=owners)
                 .select_related("provider", "plan__owner").order_by("provider__name", "plan__owner__path")
                 if Service.GROUP in contract.services and contract.contract_type != ContractType.FEE_SUBSIDY]
    offers = []
    for contract in contracts:
        pool = services.pool_for(contract, Service.GROUP)
        if pool is not None or contract.contract_type == ContractType.FREE:
            offers.append(services.Offer(contract, Service.GROUP, pool))
    return {agency.pk: [offer for offer in offers if offer.contract.plan.owner_id in agency.ancestor_ids()]
            for agency in agencies}


def hours_left(agency, pool, year, day=None):
    """(quota, held, consumed, available) of the agency's account in a group pool this year."""
    day = day or timezone.localdate()
    account = QuotaAccount.objects.filter(pool=pool, year=year, agency=agency).first()
    quota = ledger.quota_on(pool, day)
    held = account.held if account else Decimal(0)
    consumed = account.consumed if account else Decimal(0)
    return quota, held, consumed, max(quota - held - consumed, Decimal(0))


def offer_label(offer, several_plans):
    provider = offer.contract.provider.name
    return f"{provider} ({offer.contract.plan.owner.name})" if several_plans else provider


class GroupCounselingForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("For the agency"), queryset=Agency.objects.none(), empty_label=None)
    offer = forms.ChoiceField(label=_("Provider"))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=GroupTopic.choices,
                                       widget=forms.CheckboxSelectMultiple)
    intake_times = forms.CharField(label=_("Preferred dates and times"), max_length=500, required=False,
                                   help_text=_("For example: weekday afternoons in April."))
    description = forms.CharField(label=_("What the group needs, briefly"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Describe the situation of the unit; do not name anyone."))

    def __init__(self, *args, agencies, offers, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year, self.offers = year, offers
        self.fields["agency"].queryset = agencies
        contracts = {offer.contract.pk: offer for found in offers.values() for offer in found}
        several_plans = len({offer.contract.plan_id for offer in contracts.values()}) > 1
        self.fields["offer"].choices = [(str(pk), offer_label(offer, several_plans)) for pk, offer in contracts.items()]

    def clean(self):
        cleaned = super().clean()
        agency, key = cleaned.get("agency"), cleaned.get("offer")
        if agency is None or not key:
            return cleaned
        offer = next((offer for offer in self.offers.get(agency.pk, []) if str(offer.contract.pk) == key), None)
        if offer is None:
            self.add_error("offer", _("This provider offers no group counseling to %(agency)s.") % {
                "agency": agency.name})
            return cleaned
        if offer.pool is not None:
            available = hours_left(agency, offer.pool, self.year)[3]
            if available < services.ONE_SESSION:
                self.add_error(None, _("%(agency)s has no group counseling hours left this year.") % {
                    "agency": agency.name})
        cleaned["chosen_offer"] = offer
        return cleaned
