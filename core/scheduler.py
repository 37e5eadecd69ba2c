"""The embedded default's periodic jobs: the beat schedule of eap_portal/celery.py, run in a
thread of the development server (there is no Redis, so no `celery beat`).

It reads the same entries and the same schedule objects as beat (`is_due`), and runs each job
in-process. Every job catches up on everything due, so running them at start and then on their
interval is enough; a restart loses nothing.
"""
import logging
import threading

from django.db import close_old_connections
from django.utils import timezone

log = logging.getLogger(__name__)
TICK_SECONDS = 30


class EmbeddedScheduler(threading.Thread):
    def __init__(self, app, tick=TICK_SECONDS):
        super().__init__(name="eap-embedded-scheduler", daemon=True)
        self.app = app
        self.tick = tick
        self.last_run = {}
        self.stopped = threading.Event()
        # Celery finds the apps' tasks modules lazily; the schedule names them, so load them now.
        app.loader.import_default_modules()

    def entries(self):
        for name, entry in self.app.conf.beat_schedule.items():
            schedule = entry["schedule"]
            if not hasattr(schedule, "is_due"):
                from celery.schedules import schedule as interval

                schedule = interval(schedule, app=self.app)
            yield name, entry["task"], schedule

    def run_due(self):
        ran = []
        for name, task_name, schedule in self.entries():
            last = self.last_run.get(name)
            if last is not None and not schedule.is_due(last).is_due:
                continue
            self.last_run[name] = timezone.now()
            try:
                self.app.tasks[task_name].apply(throw=True)
                ran.append(name)
            except Exception:
                log.exception("periodic job %s failed; it will run again on its next turn", name)
            finally:
                close_old_connections()
        return ran

    def run(self):
        log.info("embedded scheduler: running %d periodic jobs in-process", len(self.app.conf.beat_schedule))
        while not self.stopped.is_set():
            self.run_due()
            self.stopped.wait(self.tick)


def start_embedded_scheduler():
    from django.conf import settings

    from eap_portal.celery import app

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # a real worker and beat run the jobs
    scheduler = EmbeddedScheduler(app)
    scheduler.start()
    return scheduler
