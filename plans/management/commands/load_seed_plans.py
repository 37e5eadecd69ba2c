from django.core.management.base import BaseCommand

from plans.seed_loader import load_seed_plan, seed_files


class Command(BaseCommand):
    help = "Load the five seed plans (or the given JSON files) as data; loading again resets them."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="JSON files; default: every file in plans/seeds/")

    def handle(self, *args, files, **options):
        for path in files or seed_files():
            plan = load_seed_plan(path)
            self.stdout.write(f"{plan.owner.name} {plan.year}年: {plan.pools.count()} pools, "
                              f"{plan.contracts.count()} contracts, {plan.directory.count()} directory entries")
