"""Celery tasks of the cases: thin, idempotent wrappers around the services."""
from celery import shared_task

from cases import suicide
from core.actors import acting_as


@shared_task(name="cases.chase_suicide_reports")
def chase_suicide_reports():
    with acting_as("task:chase_suicide_reports"):
        return suicide.chase_suicide_reports()
