"""The balance holds under a race, in the database: 20 concurrent schedulings of 1 hour against a
6-hour balance on real PostgreSQL give exactly 6 sessions, 14 clear refusals and no server error."""
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from core.actors import acting_as

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the race is PostgreSQL's to prove")


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_schedulings_at_a_six_hour_balance(counsel):
    from counseling import services
    from counseling.models import Booking, LedgerEntry, QuotaAccount, Session

    cast = counsel.cast
    offer = next(o for o in services.offers_for(cast.a_employee, 114) if o.service == "individual"
                 and o.contract == cast.a_contract)
    with acting_as("test"):
        booking = services.request_booking(cast.a_employee, offer, by=cast.a_employee.user, description="x",
                                           rights_acknowledged=True)
    url = reverse("provider_schedule", args=[booking.pk])
    start = threading.Barrier(20)
    results = []

    def attempt(n):
        try:
            client = Client()
            client.force_login(counsel.provider)
            start.wait()
            response = client.post(url, {"starts_at_date": "114/03/%02d" % (n % 20 + 5), "starts_at_time": "10:00",
                                         "hours": "1", "mode": "in_person"})
            results.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 20 and all(status < 500 for status, _ in results)
    assert Session.objects.filter(booking=booking).count() == 6
    account = QuotaAccount.objects.get(employee=cast.a_employee)
    assert account.held == 6
    assert sum(entry.held for entry in LedgerEntry.objects.filter(account=account)) == Decimal(6)
    refused = [body for status, body in results if "時數不足" in body or "Not enough hours" in body]
    assert len(refused) == 14
    assert Booking.objects.get(pk=booking.pk).sessions.count() == 6
    assert connection.vendor == "postgresql"
