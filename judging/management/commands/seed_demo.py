from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contest.demo import DEMO_PASSWORD, seed_demo
from contest.models import User
from judging.demo import seed_judging
from judging.demo_past import seed_past_contest


class Command(BaseCommand):
    help = (
        "Create (or complete) the demo contest, institutions, people, works and an open judging "
        "round, and last year's contest with a closed round. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (never on a real contest's server).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data has known passwords: run with DEBUG=1, or --force.")
        summary = seed_demo()
        contest = summary.contest
        organiser = User.objects.get(email=summary.logins[1][1])
        seed_judging(contest, organiser)
        seed_past_contest(organiser)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo contest: {contest.title} — {contest.categories.count()} categories"
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, name in summary.logins:
            self.stdout.write(f"  {role:<10} {email:<22} {name}")
