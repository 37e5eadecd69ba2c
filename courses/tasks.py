from celery import shared_task

from core.actors import acting_as


@shared_task(name="courses.remind_sessions")
def remind_sessions():
    from courses.reminders import remind_sessions_in_two_days

    with acting_as("task:remind_course_sessions"):
        return remind_sessions_in_two_days()
