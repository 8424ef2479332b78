"""Judges scoring and entrants uploading at once, through the endpoints the browser uses.

Started by benchmarks/loadtest/run.sh, which seeds the database (seed_scale --manifest) and
passes the manifest and a small real video in the environment:

- LOAD_MANIFEST: the seed's JSON (round id, judges' e-mails, uploaders' works, password);
- LOAD_CLIP: the video entrants upload; LOAD_RECORD: where the outcome of every write goes;
- LOAD_DURATION: seconds measured once everyone is logged in; LOAD_MAX_REQUESTS: a budget;
- LOAD_THINK: "min,max" seconds a judge pauses between two actions (default "1,3").

A judge signs in (the first LOAD_FORM_LOGINS judges with the login form, the others with a
session prepare.py made), then repeatedly opens the queue page, opens the first
unfinished work's scoring page, types scores (each change an htmx autosave, as
static/js/scoring.js sends it), reports video playback as static/js/player.js does, and
submits the sheet with the form's submit button. An entrant logs in and PUTs the clip to the
plain upload endpoint now and then. Logins (PBKDF2, on purpose slow) happen first; the
statistics are reset when everyone is in, and the login figures are kept separately.
"""

import json
import os
import random
import re
import time
from collections import Counter
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, events, task
from locust.exception import StopUser

MANIFEST = json.loads(Path(os.environ["LOAD_MANIFEST"]).read_text(encoding="utf-8"))
CLIP = Path(os.environ["LOAD_CLIP"]).read_bytes()
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "1,3").split(","))
DURATION = float(os.environ.get("LOAD_DURATION", "180"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "200000"))
JUDGES = int(os.environ.get("LOAD_JUDGES", len(MANIFEST["judges"])))
UPLOADERS = int(os.environ.get("LOAD_UPLOADERS", len(MANIFEST["uploads"])))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIRST_WORK = re.compile(r'href="/judging/assignments/(\d+)/"')
CRITERION = re.compile(r'name="criterion_(\d+)"[^>]*max="([\d.]+)"[^>]*step="([\d.]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
HTMX = {"HX-Request": "true", "HX-Target": "autosave-status", "HX-Trigger": "score-form"}

# What the server confirmed, and what is unknown (no answer): the check after the run
# compares this with the database.
RECORD = {"autosaves": Counter(), "submits": [], "uploads": [], "unknown": [], "login": {}}
ACCOUNTS = {"judge": iter(MANIFEST["judges"]), "uploader": iter(MANIFEST["uploads"])}
SETTLED = {"logins": 0}
MEASURING = Event()
STOPPING = Event()
IN_FLIGHT: Counter = Counter()  # writes sent and not answered yet


def think() -> None:
    """A judge's pause; at the end of the run a judge stops here, between two requests."""
    gevent.sleep(random.uniform(*THINK))
    if STOPPING.is_set():
        raise StopUser()


class Write:
    """A write the check will look for: in flight until answered; never answered, unknown."""

    def __init__(self, kind: str, pk: int) -> None:
        self.key = (kind, pk)

    def __enter__(self):
        IN_FLIGHT[self.key] += 1
        return self

    def __exit__(self, *exc):
        IN_FLIGHT[self.key] -= 1


class Browser(HttpUser):
    abstract = True
    host = "http://127.0.0.1:8765"

    def wait_time(self):
        return random.uniform(*THINK)

    def log_in(self, email: str) -> None:
        """Through the login form, or (prepare.py) with a session made before the test."""
        session = MANIFEST["sessions"].get(email)
        if session:
            self.client.cookies.set("sessionid", session)
            self.settle(refused=False)
            return
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        form = {"username": email, "password": MANIFEST["password"], "csrfmiddlewaretoken": token}
        with self.client.post(
            "/accounts/login/", form, name="login", allow_redirects=False, catch_response=True
        ) as answer:
            refused = answer.status_code != 302
            if refused:
                answer.failure(f"login refused: {answer.status_code}")
        self.settle(refused=refused)

    def settle(self, *, refused: bool) -> None:
        """Wait until everyone is signed in; the last one starts the measured phase."""
        SETTLED["logins"] += 1
        if SETTLED["logins"] == JUDGES + UPLOADERS:
            start_measuring(self.environment)
        if refused:
            raise StopUser()
        MEASURING.wait()

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def spent(self) -> None:
        if self.environment.stats.total.num_requests >= MAX_REQUESTS:
            self.environment.runner.quit()


def start_measuring(environment) -> None:
    """Everyone is logged in: keep the login figures, reset the statistics, and stop after
    DURATION seconds."""
    for (name, _method), entry in environment.stats.entries.items():
        if name.startswith("login"):
            RECORD["login"][name] = {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": entry.max_response_time,
            }
    environment.stats.reset_all()
    RECORD["measured_from"] = time.time()
    MEASURING.set()
    gevent.spawn_later(DURATION, stop, environment)


def stop(environment) -> None:
    """Let every simulated person finish the request they are in, then quit."""
    STOPPING.set()
    RECORD["measured_until"] = time.time()
    deadline = time.time() + 60
    while +IN_FLIGHT and time.time() < deadline:
        gevent.sleep(0.5)
    environment.runner.quit()


class Judge(Browser):
    fixed_count = JUDGES

    def on_start(self):
        self.log_in(next(ACCOUNTS["judge"]))

    @task
    def score_a_work(self):
        self.spent()
        if STOPPING.is_set():
            raise StopUser()
        queue = self.client.get(f"/judging/rounds/{MANIFEST['round']}/", name="queue page")
        found = FIRST_WORK.search(queue.text)
        if found is None:
            raise StopUser()
        pk = int(found.group(1))
        page = self.client.get(f"/judging/assignments/{pk}/", name="scoring page")
        if "data-autosave" not in page.text:
            raise StopUser()  # everything is submitted
        criteria = CRITERION.findall(page.text)
        form = {"csrfmiddlewaretoken": CSRF.search(page.text).group(1)}
        form["version"] = VERSION.search(page.text).group(1)
        for criterion, _max, _step in criteria:
            form[f"criterion_{criterion}"] = ""
            form[f"comment_{criterion}"] = ""
        for criterion, top, step in criteria:
            think()
            steps = int(float(top) / float(step))
            form[f"criterion_{criterion}"] = f"{random.randint(steps // 2, steps) * float(step):g}"
            self.autosave(pk, form)
            if random.random() < 0.5:
                self.playback(pk, form["csrfmiddlewaretoken"])
        think()
        self.submit(pk, form)

    def autosave(self, pk: int, form: dict) -> None:
        with (
            Write("autosave", pk),
            self.client.post(
                f"/judging/assignments/{pk}/autosave/",
                form,
                headers=HTMX | {"HX-Current-URL": f"{self.host}/judging/assignments/{pk}/"},
                name="autosave",
                catch_response=True,
            ) as answer,
        ):
            version = VERSION.search(answer.text or "")
            if answer.status_code == 200 and version:
                form["version"] = version.group(1)
                RECORD["autosaves"][pk] += 1
            elif answer.status_code == 0:
                RECORD["unknown"].append(["autosave", pk])
                answer.failure("no answer")
            else:
                answer.failure(f"autosave refused: {answer.status_code}")

    def playback(self, pk: int, token: str) -> None:
        seconds = f"{random.uniform(10, 400):.2f}"
        with self.client.post(
            f"/judging/assignments/{pk}/playback/",
            {"position": seconds, "furthest": seconds},
            headers={"X-CSRFToken": token},
            name="playback",
            catch_response=True,
        ) as answer:
            if answer.status_code != 204:
                answer.failure(f"playback refused: {answer.status_code}")

    def submit(self, pk: int, form: dict) -> None:
        with (
            Write("submit", pk),
            self.client.post(
                f"/judging/assignments/{pk}/submit/",
                form,
                name="submit",
                allow_redirects=False,
                catch_response=True,
            ) as answer,
        ):
            if answer.status_code == 302:
                RECORD["submits"].append(pk)
            elif answer.status_code == 0:
                RECORD["unknown"].append(["submit", pk])
                answer.failure("no answer")
            else:
                answer.failure(f"submit refused: {answer.status_code}")


class Entrant(Browser):
    fixed_count = UPLOADERS

    def on_start(self):
        account = next(ACCOUNTS["uploader"])
        self.work = account["work"]
        self.log_in(account["email"])
        # The work's page, where the upload starts (and the CSRF cookie comes from).
        self.client.get(f"/works/{self.work}/", name="work page")

    def wait_time(self):
        return random.uniform(10, 30)

    @task
    def upload(self):
        self.spent()
        if STOPPING.is_set():
            raise StopUser()
        with (
            Write("upload", self.work),
            self.client.put(
                f"/media/works/{self.work}/video",
                data=CLIP,
                headers={
                    "X-CSRFToken": self.csrf(),
                    "Content-Type": "video/mp4",
                    "X-File-Name": "lesson.mp4",
                },
                name="upload",
                catch_response=True,
            ) as answer,
        ):
            if answer.status_code == 201:
                RECORD["uploads"].append(answer.json()["id"])
            elif answer.status_code == 0:
                RECORD["unknown"].append(["upload", self.work])
                answer.failure("no answer")
            else:
                answer.failure(f"upload refused: {answer.status_code} {answer.text[:200]}")


@events.quitting.add_listener
def write_record(environment, **_kw):
    RECORD.setdefault("measured_until", time.time())
    RECORD["unknown"] += [list(key) for key, n in IN_FLIGHT.items() for _ in range(n)]
    RECORD["autosaves"] = {str(pk): n for pk, n in RECORD["autosaves"].items()}
    with open(os.environ["LOAD_RECORD"], "w", encoding="utf-8") as out:
        json.dump(RECORD, out, indent=1)
