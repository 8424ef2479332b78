"""Named task queues: a django.tasks `queue_name` chooses the huey instance that runs the task.

- `default`: short work (e-mail, assignment refills, recovery, document clean-up);
- `video`: the CPU-heavy media jobs (`process_video`, `make_full_copy`);
- `bulk`: long batch work (exports, certificates), so that it never holds back the two above.

With Redis (`REDIS_URL`) each queue is its own huey instance, stored under its own keys
(`<HUEY_NAME>_<queue>`; `default` keeps `<HUEY_NAME>`) and served by its own consumers:
`manage.py run_worker --queue video`. Without Redis every queue name is the one SQLite queue of
`settings.HUEY`, and the single `run_huey` consumer serves them all (the single-machine default).

Retries: `@retry_on(...)` above `@task` runs a task again with exponential backoff when it raises
one of the given errors (transient ones: the database or Redis restarting, a network or disk
hiccup); any other error ends the task at once, with no retry.

Time limits: a queue's `timeout` (seconds) stops a task that runs longer. Huey enforces it in
*process* workers only (SIGALRM in the worker process, raised between Python steps, so one long C
call finishes first); thread workers cannot interrupt a task, so on the SQLite default there is
no limit. The media jobs' leases (contest/services/jobs.py) make a stuck or dead job recoverable
either way.
"""

import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.json import normalize_json
from huey.contrib.djhuey import HUEY, close_db
from huey.contrib.djhuey import tasks_backend as djt
from huey.utils import load_class

logger = logging.getLogger(__name__)

# Errors that say "try again later", not "this input is wrong".
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # includes ConnectionError, TimeoutError and smtplib's errors
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
SHIM_NAME = "microvideo.run"


@dataclass(frozen=True)
class RetryPolicy:
    errors: tuple[type[BaseException], ...]
    retries: int
    delay: float
    backoff: float


_policies: dict[str, RetryPolicy] = {}


def retry_on(*errors, retries: int = 3, delay: float = 30, backoff: float = 2.0):
    """Retry the decorated django.tasks Task on these errors (TRANSIENT_ERRORS by default),
    at most `retries` times, waiting `delay` seconds, then `delay * backoff`, and so on."""

    def decorator(task):
        _policies[task.module_path] = RetryPolicy(
            tuple(errors) or TRANSIENT_ERRORS, retries, delay, backoff
        )
        return task

    return decorator


def retry_policy(task_path: str) -> RetryPolicy | None:
    return _policies.get(task_path)


def _run(task_path, args, kwargs, task=None):
    """Run a django.tasks Task in a consumer; only errors its policy names are retried."""
    try:
        return djt._execute_django_task(task_path, args, kwargs, task=task)
    except Exception as exc:
        policy = _policies.get(task_path)
        if policy is None or not isinstance(exc, policy.errors):
            task.retries = 0  # a bug or bad input: running it again would fail the same way
        elif task.retries:
            logger.warning("%s failed (%r): retrying in %ss", task_path, exc, task.retry_delay)
            _mark_waiting(task.id)
        raise


def _mark_waiting(task_id: str) -> None:
    """The task's result says "ready" again while it waits for its retry, not "failed"."""
    key = djt.KEY % task_id
    record = HUEY.get(key, peek=True)
    if record is not None:
        record.update(status=djt.TaskResultStatus.READY.value, finished_at=None)
        HUEY.put_result(key, record)


def _instance(queue: str, options: dict):
    """The huey instance of a queue: the shared one unless Redis gives each queue its own."""
    if queue == "default" or not settings.REDIS_URL:
        return HUEY
    config = {k: v for k, v in settings.HUEY.items() if k not in ("consumer", "huey_class")}
    config["name"] = f"{config['name']}_{queue}"
    return load_class(settings.HUEY["huey_class"])(**config)


def _build() -> dict[str, tuple]:
    queues, shims = {}, {}
    for queue, options in settings.TASK_QUEUES.items():
        huey = _instance(queue, options)
        if id(huey) not in shims:
            timeout = options.get("timeout") if huey is not HUEY else None
            shims[id(huey)] = huey.task(name=SHIM_NAME, context=True, timeout=timeout)(
                close_db(_run)
            )
        queues[queue] = (huey, shims[id(huey)])
    return queues


_queues = _build()


def huey_for(queue: str):
    return _queues[queue][0]


def instances() -> list:
    """Each distinct huey instance once (one in all on the SQLite default)."""
    seen = {}
    for huey, _shim in _queues.values():
        seen.setdefault(id(huey), huey)
    return list(seen.values())


def consumer_options(queue: str) -> dict:
    return dict(settings.TASK_QUEUES[queue].get("consumer") or settings.HUEY["consumer"])


class QueueBackend(djt.HueyBackend):
    """huey's django.tasks backend, sending each task to its queue's huey instance with its
    retry policy. Results are kept in the default instance, whichever queue ran the task."""

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        self._check_resolvable(task)
        args, kwargs = normalize_json(list(args)), normalize_json(kwargs)
        huey, shim = _queues[task.queue_name]
        policy = _policies.get(task.module_path)
        retry = (
            {
                "retries": policy.retries,
                "retry_delay": policy.delay,
                "retry_backoff": policy.backoff,
            }
            if policy
            else {}
        )
        huey_task = shim.s(
            task.module_path,
            args,
            kwargs,
            priority=task.priority or None,
            eta=task.run_after,
            **retry,
        )
        record = djt._initial_record(self.alias, task, huey_task.id, args, kwargs)

        def _enqueue():
            record["enqueued_at"] = djt._iso(timezone.now())
            HUEY.put_result(djt.KEY % huey_task.id, record)
            djt.task_enqueued.send(
                sender=djt.HueyBackend, task_result=djt._record_to_result(record)
            )
            huey.enqueue(huey_task)

        if self.enqueue_on_commit:
            transaction.on_commit(_enqueue)
            return djt._record_to_result(record)
        _enqueue()
        stored = HUEY.get(djt.KEY % huey_task.id, peek=True) or record
        return djt._record_to_result(stored)
