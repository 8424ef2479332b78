"""The verification e-mail goes through the real queue and a real huey consumer process."""

import email
import email.policy
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis

from contest.models import User
from contest.services.accounts import user_verify_email
from tests.helpers import ROOT, child_env, manage

REGISTER = (
    "from contest.services.accounts import user_register; "
    "user_register(email='queue@example.cn', password='Zhongguo-2026!', real_name='宋昇')"
)


def _redis_available() -> bool:
    try:
        return redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


def _wait_for_mail(folder: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        separator = b"\n" + b"-" * 79
        files = list(folder.glob("*.log"))
        # The file backend writes a message, then a separator line: wait for the whole message.
        if files and separator in (raw := files[0].read_bytes()):
            message = raw.split(separator)[0]
            return email.message_from_bytes(message, policy=email.policy.default).get_content()
        time.sleep(0.2)
    raise AssertionError("the consumer did not send the e-mail in time")


@pytest.fixture(params=["sqlite", "redis"])
def queue_env(request, tmp_path):
    name = f"test-{uuid.uuid4().hex[:8]}"
    if request.param == "redis":
        if not _redis_available():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        return {"REDIS_URL": "redis://127.0.0.1:6379/15", "HUEY_NAME": name}
    return {"HUEY_FILENAME": str(tmp_path / "queue.sqlite3"), "HUEY_NAME": name}


@pytest.mark.consumer
@pytest.mark.django_db(transaction=True)
def test_verification_mail_is_sent_by_a_real_consumer(tmp_path, queue_env):
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = child_env(HUEY_IMMEDIATE="0", EMAIL_URL=f"filemail://{outbox}", **queue_env)

    # Enqueue from one process (as the web server would); nothing is sent without a consumer.
    subprocess.run(manage("shell", "-c", REGISTER), env=env, cwd=ROOT, check=True, timeout=60)
    time.sleep(0.5)
    assert not list(outbox.iterdir())

    consumer = subprocess.Popen(
        manage("run_huey", "--workers", "1"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        mail = _wait_for_mail(outbox)
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)

    link = next(line for line in mail.splitlines() if "/accounts/verify/" in line)
    uid, token = link.strip().rstrip("/").split("/")[-2:]
    user_verify_email(uidb64=uid, token=token)
    assert User.objects.get(email="queue@example.cn").email_verified
