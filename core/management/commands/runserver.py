"""`runserver` that also runs the periodic jobs in the embedded default (core.scheduler). With
REDIS_URL set, Celery beat runs them instead and this is the usual development server."""
# WhiteNoise wraps staticfiles' runserver to leave static files to it; this wraps that in turn.
from whitenoise.runserver_nostatic.management.commands.runserver import Command as StaticRunserver


class Command(StaticRunserver):
    help = StaticRunserver.help + " In the embedded default it also runs the periodic jobs."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-periodic-jobs", action="store_false", dest="periodic_jobs",
                            help="Do not run the periodic jobs in this process.")

    def inner_run(self, *args, **options):
        # inner_run runs in the serving process (the autoreloader's child), once per start.
        if options.get("periodic_jobs", True):
            from core.scheduler import start_embedded_scheduler

            start_embedded_scheduler()
        return super().inner_run(*args, **options)
