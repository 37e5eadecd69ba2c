import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from agencies.demo import DEMO_PASSWORD


@dataclass
class Demo:
    """What the apps' demo builders share: one password, the logins to print, what was built."""

    password: str | None
    logins: list = field(default_factory=list)
    agencies: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


class Command(BaseCommand):
    help = "Build the demo city (idempotent) and print one login per role."

    def handle(self, *args, **options):
        # A demo password is a known password: it exists only while DEBUG is on.
        demo = Demo(password=DEMO_PASSWORD if settings.DEBUG else None)
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            # A module may set BUILD_AFTER_PEOPLE: it runs once the roster and plans exist.
            modules = sorted(self.demo_modules(), key=lambda module: getattr(module, "BUILD_AFTER_PEOPLE", False))
            for module in modules:
                module.build(demo)
            self.print_logins(demo)

    def demo_modules(self):
        for app in apps.get_app_configs():
            try:
                yield importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app.name}.demo":
                    raise
        # Last of all: the roster imports move people the other demos have built (a transfer with a case).
        yield importlib.import_module("agencies.roster.demo")

    def print_logins(self, demo):
        self.stdout.write(self.style.SUCCESS("示範資料已就緒 / demo data ready"))
        if demo.password is None:
            self.stdout.write("DEBUG is off: demo accounts have no usable password.")
            return
        self.stdout.write(f"Password for every demo login: {demo.password}")
        width = max(len(username) for username, _ in demo.logins)
        for username, role in demo.logins:
            self.stdout.write(f"  {username.ljust(width)}  {role}")
