from celery import shared_task

from core.actors import acting_as


@shared_task(name="counseling.remind_sessions_tomorrow")
def remind_sessions_tomorrow():
    from counseling.services import remind_sessions_tomorrow as remind

    with acting_as("task:remind_sessions_tomorrow"):
        return remind()
