"""Gunicorn for the platform: `gunicorn -c deploy/gunicorn.conf.py` (see docs/deploy.md).

Every value can be changed in the environment file the systemd unit reads. nginx sits in front
and buffers request bodies, so an upload reaches gunicorn only once it has fully arrived: the
timeout covers writing it to private storage, never a slow school network.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001").split(",")

# Threads serve the many short requests (autosave, lists) while one thread writes an upload.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
threads = _int("GUNICORN_THREADS", 4)

# A request may run this long (a 2 GB upload handed over by nginx is stored in seconds; a big
# Excel export runs in the background, not here).
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then (memory growth), not all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Trust X-Forwarded-Proto/-For only from the proxy (nginx on this machine, or the load
# balancers' addresses, comma-separated).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Worker heartbeat files on a memory file system: a busy disk never makes gunicorn think a
# worker hangs.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108 (tmpfs)

# The control socket of `gunicornc` (worker status, graceful reload): the systemd unit puts it
# in /run/microvideo; without a path there is none (the service user has no writable home).
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Logs to stdout/stderr: systemd's journal keeps them (journalctl -u microvideo-web).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
capture_output = True
proc_name = "microvideo-web"
