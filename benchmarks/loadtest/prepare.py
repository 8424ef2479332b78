"""Before the load test (run.sh): remember where the database stands, and sign people in.

    prepare.py MANIFEST STATE.json FORM_LOGINS

Writes STATE.json (the last revision and video ids, for check.py) and adds to the manifest a
session for every account except the first FORM_LOGINS judges, who log in through the login
form during the test. A session made here is what the login form would make (the same
session engine, the user's id, backend and password hash), without PBKDF2's deliberate 0.9 s
of CPU per login: 220 logins at once would otherwise hold the two cores for minutes before
the first work is scored.
"""

import json
import os
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.loadtest.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db.models import Max  # noqa: E402

from contest.models import User, VideoAsset  # noqa: E402
from judging.models import ScoreRevision  # noqa: E402

BACKEND = "django.contrib.auth.backends.ModelBackend"


def state(path: str) -> None:
    Path(path).write_text(
        json.dumps(
            {
                "revision": ScoreRevision.objects.aggregate(m=Max("pk"))["m"] or 0,
                "video": VideoAsset.objects.aggregate(m=Max("pk"))["m"] or 0,
            }
        )
    )


def sessions(manifest_path: str, form_logins: int) -> None:
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    emails = manifest["judges"][form_logins:] + [u["email"] for u in manifest["uploads"]]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    made = {}
    for user in User.objects.filter(email__in=emails):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = BACKEND
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        made[user.email] = session.session_key
    manifest["sessions"] = made
    manifest["form_logins"] = form_logins
    Path(manifest_path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    state(sys.argv[2])
    sessions(sys.argv[1], int(sys.argv[3]))
