"""The embedded default runs the beat schedule in-process: every entry names a real task, each
runs at start (catching up) and then on its interval."""
import datetime

import pytest
from django.utils import timezone

from core.scheduler import EmbeddedScheduler
from eap_portal.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name


@pytest.mark.django_db(transaction=True)
def test_jobs_run_at_start_and_then_only_when_due(time_machine):
    start = timezone.now()
    time_machine.move_to(start)
    scheduler = EmbeddedScheduler(app)
    assert set(scheduler.run_due()) == set(app.conf.beat_schedule)  # catching up at start
    assert scheduler.run_due() == []
    time_machine.move_to(start + datetime.timedelta(minutes=6))
    assert set(scheduler.run_due()) == {"send-duty-reminders", "escalate-overdue-duties", "chase-suicide-reports"}
    time_machine.move_to(start + datetime.timedelta(minutes=31))
    assert "apply-absences" in scheduler.run_due()


def test_runserver_runs_the_periodic_jobs_in_the_embedded_default():
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()["runserver"], "runserver")
    assert type(command).__module__ == "core.management.commands.runserver"
    assert not command.create_parser("manage.py", "runserver").get_default("use_static_handler")  # WhiteNoise's still
