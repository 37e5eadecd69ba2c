"""Thin task wrappers around agencies.roster.jobs; each is safe to run twice."""
from celery import shared_task

from agencies.roster import jobs


@shared_task(name="agencies.read_roster_import")
def read_roster_import(pk):
    jobs.read_import(pk)


@shared_task(name="agencies.commit_roster_import")
def commit_roster_import(pk):
    jobs.apply_import(pk)


@shared_task(name="agencies.discard_stale_roster_imports")
def discard_stale_roster_imports():
    return jobs.discard_stale_imports()
