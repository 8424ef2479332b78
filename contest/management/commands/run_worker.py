"""`manage.py run_worker --queue video`: a huey consumer for one task queue (contest/queues.py).

With Redis each queue has its own consumers, started one unit per queue (deploy/systemd); the
queue's settings choose the worker type and count (process workers for `video` and `bulk`, so
that their time limits hold). Without Redis there is one queue: `--queue default` (or
`run_huey`, as `make run` does) serves every task. Consumer options given on the command line
(`--workers 4`, `--worker-type thread`…) override the settings.
"""

import logging

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run the huey consumer of one task queue (default, video, bulk)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--queue", default="default", help="the queue to serve")

    def handle(self, *args, **options):
        from contest.queues import consumer_options, huey_for

        queue = options.pop("queue")
        if queue not in settings.TASK_QUEUES:
            raise CommandError(f"Unknown queue {queue!r}: one of {', '.join(settings.TASK_QUEUES)}")
        if not settings.REDIS_URL and queue != "default":
            raise CommandError("Without REDIS_URL every task is on the default queue.")
        if not options.pop("disable_autoload"):
            autodiscover_modules("tasks")
        config = consumer_options(queue)
        config.update({k: v for k, v in options.items() if v is not None and k in _CONSUMER_KEYS})
        config = ConsumerConfig(**config)
        config.validate()
        if not logging.getLogger().handlers:  # else Django's LOGGING prints huey's lines
            config.setup_logger(logging.getLogger("huey"))
        # Process workers fork: no database connection may be shared with them.
        connections.close_all()
        huey_for(queue).create_consumer(**config.values).run()


_CONSUMER_KEYS = set(ConsumerConfig._fields)
