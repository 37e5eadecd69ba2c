"""Celery tasks of the surveys: thin, idempotent wrappers around the services. A missed run loses
nothing (the next one reminds whoever is still due) and an extra run sends nothing more."""
from celery import shared_task

from core.actors import acting_as


@shared_task(name="surveys.remind_unanswered")
def remind_unanswered():
    from surveys.answering import remind_unanswered as remind

    with acting_as("task:remind_unanswered"):
        return remind()


@shared_task(name="surveys.flush_closed_surveys")
def flush_closed_surveys():
    from surveys.answering import flush_closed_surveys as flush

    return flush()
