"""The fault drill (issue 13): citizens submit proposals through the real form while the stack breaks under them.

It starts its own stack on free ports in a temporary directory — never the machine's shared services: a
PostgreSQL cluster, Redis, an SMTP sink on 127.0.0.1 that counts what it receives, gunicorn serving the
portal with DEBUG off, a Celery worker and beat. It migrates, opens one consultation for proposals, and lets
`--clients` citizens submit proposals for `--seconds` as a browser does: GET the form, POST it back with its
CSRF and one-time tokens, a new text and a new email address each time, follow the redirect and read the
reference off the confirmation page. Meanwhile it kills the worker (SIGKILL), stops Redis for 15 s and
restarts PostgreSQL. After recovery it waits for the mail outbox to drain and prints:

- confirmed: proposals whose confirmation page showed a reference; stored: drill proposals in the database;
- lost: confirmed references missing from the database; duplicated: a text stored more than once (a client
  never retypes a text, so a duplicate is the portal's);
- 5xx answers, and how many of them were for proposals that were in fact stored (the citizen saw an error
  for a proposal the council has);
- confirmation mails received by the sink against those expected (one per stored proposal).

The exit status is 0 only if lost = 0, duplicated = 0 and every expected confirmation mail arrived. Every
process it started is stopped and its temporary directory removed on exit, Ctrl-C and failures included;
the logs and a summary are kept in artifacts/faults/<time>/.

    make faults FAULTS_ARGS="--clients 8 --seconds 90"      (or .venv/bin/python bench/faults.py …)
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import datetime
import glob
import http.client
import http.cookies
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the project's virtualenv: gunicorn and celery are beside its python
ARTIFACTS = ROOT / "artifacts" / "faults"
REFERENCE = re.compile(r"QG-\d{4}-\d{6}")
REDIS_DOWN_SECONDS = 15
WORKER_DOWN_SECONDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="citizens submitting at once (8)")
    parser.add_argument("--seconds", type=int, default=90, help="how long they submit, faults included (90)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers, as in the Dockerfile (3)")
    parser.add_argument(
        "--drain-timeout", type=int, default=720, help="seconds to wait for the outbox after recovery (720)"
    )
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # cleaned up like Ctrl-C

    stack = Stack()
    try:
        stack.start_all(web_workers=options.web_workers)
        consultation = stack.open_consultation()
        drill = Drill(stack, form_path=f"/kk/consultations/{consultation['slug']}/propose/")
        drill.run(clients=options.clients, seconds=options.seconds)
        stack.wait_until_healthy(timeout=120)
        result = drill.count(consultation["id"], drain_timeout=options.drain_timeout)
        print(result.report())
        stack.keep_summary(result.as_dict() | {"command": " ".join(sys.argv), "options": vars(options)})
        return 0 if result.passed else 1
    finally:
        stack.close()


# ---------------------------------------------------------------------------------------------------------
# The stack: every process the drill starts, and how to stop it.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not found:
        sys.exit("PostgreSQL's server binaries are not under /usr/lib/postgresql/*/bin (apt-get install postgresql).")
    return Path(found[-1]).parent


class MailSink:
    """An SMTP server's handler that counts the mails received per recipient."""

    def __init__(self):
        self.received: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(address.lower() for address in envelope.rcpt_tos)
        return "250 OK"

    def counts(self) -> collections.Counter[str]:
        with self.lock:
            return self.received.copy()


class Stack:
    """PostgreSQL, Redis, the SMTP sink, gunicorn, a Celery worker and beat, all the drill's own."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="qogam-faults-"))
        self.tmp.chmod(0o755)  # PostgreSQL runs as its own user and must reach its directory
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.port = {name: free_port() for name in ("postgres", "redis", "smtp", "web")}
        self.processes: dict[str, subprocess.Popen] = {}
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.pg_bin = postgres_bin()
        self.pg_dir = self.tmp / "pg"
        self.sink = MailSink()
        self.smtp: Controller | None = None
        self.database_url = f"postgresql://postgres@127.0.0.1:{self.port['postgres']}/qogam"
        self.queues = "celery"
        self.log_from: dict[str, int] = {}
        self.exits: list[dict] = []  # processes that ended without the drill stopping them
        self.began = time.monotonic()

    def env(self) -> dict[str, str]:
        """Production-like settings (DEBUG off, secure cookies), built from scratch so that nothing of the
        caller's environment — a real Telegram token, a real mail server — reaches the drill's portal."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "0",
            "SECRET_KEY": f"drill-{self.tmp.name}-not-secret-but-long-enough-0123456789",
            "SITE_URL": f"http://127.0.0.1:{self.port['web']}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.port['redis']}/0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port["smtp"]),
            "STATIC_ROOT": str(self.tmp / "static"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            # Every client comes from 127.0.0.1: the per-address limit is for crowds of one address, not this.
            "PROPOSAL_RATE_LIMIT": "1000000",
        }

    # --- processes ---

    def start(self, name: str, argv: list[str]) -> None:
        """Start a process in its own session (so that it and its children can be stopped together)."""
        with self.lock:
            if self.closed.is_set():
                return  # a fault finishing its sleep after Ctrl-C must not leave a process behind
            log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (the child owns it)
            self.log_from[name] = log.tell()  # where this run of it starts in its log
            self.processes[name] = subprocess.Popen(
                argv, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            log.close()

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        with self.lock:
            process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def supervise(self, restart: dict[str, Callable[[], None]]) -> None:
        """Restart a process that ends on its own, as docker-compose's `restart: unless-stopped` does in
        production, and note it: the report lists every such exit with the last line its log had."""
        while not self.closed.wait(1):
            with self.lock:
                ended = [name for name, process in self.processes.items() if process.poll() is not None]
                gone = {name: self.processes.pop(name) for name in ended}
            for process in gone.values():  # what it left behind (a worker's pool) goes with it
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            codes = {name: process.returncode for name, process in gone.items()}
            for name in ended:
                with open(self.logs / f"{name}.log", "rb") as log:
                    log.seek(self.log_from.get(name, 0))
                    last = [line for line in log.read().decode(errors="replace").splitlines() if line]
                cause = next((line for line in reversed(last) if "CRITICAL" in line), last[-1] if last else "")
                at = round(time.monotonic() - self.began, 1)
                self.exits.append({"process": name, "at": at, "exit code": codes[name], "log": cause[:300]})
                say(f"+{at:5.1f} s  {name} ended on its own (exit code {codes[name]}); restarted")
                restart[name]()

    def as_postgres(self, argv: list[str]) -> list[str]:
        """PostgreSQL refuses to run as root: as root, run its commands as the postgres user."""
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def pg_ctl(self, *args: str) -> None:
        log = self.pg_dir / "postgres.log"
        command = [str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_dir / "data"), "-l", str(log), "-w", *args]
        subprocess.run(self.as_postgres(command), check=True, stdout=subprocess.DEVNULL)

    def start_postgres(self) -> None:
        self.pg_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres", "postgres")
        initdb = [str(self.pg_bin / "initdb"), "-D", str(self.pg_dir / "data"), "-U", "postgres", "-A", "trust"]
        subprocess.run(
            self.as_postgres([*initdb, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {self.port['postgres']} -k {self.pg_dir} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-o", options, "start")
        createdb = [str(self.pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port["postgres"])]
        subprocess.run([*createdb, "-U", "postgres", "qogam"], check=True)

    def stop_postgres(self) -> None:
        if (self.pg_dir / "data" / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_ctl("-m", "immediate", "stop")

    def start_redis(self) -> None:
        self.start(
            "redis",
            ["redis-server", "--port", str(self.port["redis"]), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(self.tmp)],
        )  # fmt: skip

    def start_sink(self) -> None:
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=self.port["smtp"])
        self.smtp.start()

    def start_web(self, workers: int) -> None:
        self.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "qogam.wsgi", "--bind", f"127.0.0.1:{self.port['web']}", "--workers",
             str(workers), "--access-logfile", "-", "--timeout", "30"],
        )  # fmt: skip

    def start_worker(self) -> None:
        self.start(
            "worker",
            [str(BIN / "celery"), "-A", "qogam", "worker", "--loglevel=INFO", "--concurrency", "2", "-Q", self.queues,
             "--hostname", f"drill-{self.port['web']}@%h"],
        )  # fmt: skip

    def start_beat(self) -> None:
        self.start(
            "beat",
            [str(BIN / "celery"), "-A", "qogam", "beat", "--loglevel=INFO", "--schedule", str(self.tmp / "beat")],
        )

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), capture_output=True, text=True
        )
        (self.logs / "manage.log").open("a").write(f"$ manage.py {' '.join(args)}\n{done.stdout}{done.stderr}\n")
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def celery_queues(self) -> str:
        """Every queue the settings route tasks to, so that the one worker serves them all."""
        code = """if True:
            import django; django.setup()
            from django.conf import settings as s
            queues = {getattr(s, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
            queues |= {getattr(q, "name", q) for q in getattr(s, "CELERY_TASK_QUEUES", None) or ()}
            routes = getattr(s, "CELERY_TASK_ROUTES", None)
            routes = routes.values() if isinstance(routes, dict) else ()
            queues |= {r["queue"] for r in routes if isinstance(r, dict) and "queue" in r}
            print(",".join(sorted(queues)))"""
        env = self.env() | {"DJANGO_SETTINGS_MODULE": "qogam.settings"}
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"Could not read the Celery queues from the settings:\n{done.stderr[-2000:]}")
        return done.stdout.strip() or "celery"

    def start_all(self, *, web_workers: int) -> None:
        started = time.monotonic()
        say(f"Starting the drill's own stack in {self.tmp} (ports {self.port})")
        self.start_postgres()
        self.start_redis()
        self.start_sink()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.queues = self.celery_queues()
        self.start_web(web_workers)
        self.start_worker()
        self.start_beat()
        self.wait_until_healthy(timeout=60)
        restart = {"gunicorn": lambda: self.start_web(web_workers), "worker": self.start_worker,
                   "beat": self.start_beat, "redis": self.start_redis}  # fmt: skip
        threading.Thread(target=self.supervise, args=(restart,), daemon=True).start()
        say(f"Stack up in {time.monotonic() - started:.0f} s (worker queues: {self.queues})")

    def open_consultation(self) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "bench.open_consultation"],
            cwd=ROOT, env=self.env(), capture_output=True, text=True, check=True,
        )  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1])

    def wait_until_healthy(self, *, timeout: float) -> None:
        """Until /healthz says both the database and Redis answer."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException, ValueError):
                answer = Browser(self.port["web"]).request("GET", "/healthz")
                if answer.status == 200 and json.loads(answer.body).get("redis") == "ok":
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"The portal is not healthy after {timeout:.0f} s; see {self.logs}")
            time.sleep(0.5)

    def database(self) -> psycopg.Connection:
        return psycopg.connect(self.database_url, autocommit=True)

    def keep_summary(self, summary: dict) -> None:
        (self.logs / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))

    def close(self) -> None:
        """Stop everything started, keep the logs in artifacts/faults/, remove the temporary directory."""
        self.closed.set()
        for name in ("gunicorn", "beat", "worker", "redis"):
            self.stop(name)
        self.stop_postgres()
        if self.smtp is not None:
            with contextlib.suppress(Exception):
                self.smtp.stop()
        with contextlib.suppress(OSError):
            shutil.copy(self.pg_dir / "postgres.log", self.logs / "postgres.log")
        kept = ARTIFACTS / datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        with contextlib.suppress(OSError):
            shutil.copytree(self.logs, kept)
            say(f"Logs kept in {kept.relative_to(ROOT)}")
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------
# The faults, one function each; each leaves the stack running again.


def kill_worker(stack: Stack) -> None:
    """SIGKILL the Celery worker and its pool (as the OOM killer would); a new one starts 5 s later."""
    stack.stop("worker", signal.SIGKILL)
    stack.closed.wait(WORKER_DOWN_SECONDS)
    stack.start_worker()


def stop_redis(stack: Stack) -> None:
    """Stop Redis (the broker and the cache, nothing kept on disk) for 15 s, then start an empty one."""
    stack.stop("redis")
    stack.closed.wait(REDIS_DOWN_SECONDS)
    stack.start_redis()


def restart_postgres(stack: Stack) -> None:
    """Restart PostgreSQL with `pg_ctl restart -m fast`: every connection is cut."""
    stack.pg_ctl("-m", "fast", "restart")


FAULTS = [(0.15, kill_worker), (0.30, stop_redis), (0.70, restart_postgres)]  # (share of --seconds, fault)


# ---------------------------------------------------------------------------------------------------------
# A citizen: a browser that keeps cookies, and the proposal form read as a browser would send it.


@dataclasses.dataclass
class Answer:
    status: int
    location: str
    body: str


class Browser:
    """One visit's cookies (Secure ones too: the drill speaks plain HTTP to 127.0.0.1, as browsers allow)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Connection": "close"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        location = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        return Answer(response.status, location, text)


class FormFields(HTMLParser):
    """The fields of the page's POST form with the values a browser sends when nobody touches them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.in_form = False
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form = (a.get("method") or "").lower() == "post"
        elif not self.in_form:
            return
        elif tag == "option" and self.select:  # a select sends its selected option, or its first one
            if self.select not in self.fields or "selected" in a:
                self.fields[self.select] = a.get("value") or ""
        elif not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                self.fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = a["name"]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    @classmethod
    def of(cls, html: str) -> dict[str, str]:
        parser = cls()
        parser.feed(html)
        return parser.fields


@dataclasses.dataclass
class Attempt:
    """One proposal as a citizen tried it: a text and an address never used before."""

    client: int
    text: str
    email: str
    started: float
    ended: float = 0.0
    outcome: str = ""  # confirmed | 5xx | no answer | refused
    stage: str = ""  # form | submit | confirmation
    status: int = 0
    reference: str = ""
    detail: str = ""


def submit(port: int, form_path: str, attempt: Attempt) -> None:
    browser = Browser(port)
    attempt.stage = "form"
    try:
        page = browser.request("GET", form_path)
        if page.status != 200:
            return settle(attempt, page)
        fields = FormFields.of(page.body) | {
            "author_name": f"Drill citizen {attempt.client}",
            "contact": attempt.email,
            "text": attempt.text,
            "consent": "on",
        }
        attempt.stage = "submit"
        answer = browser.request("POST", form_path, fields)
        path = form_path
        for _ in range(3):  # to the confirmation page, or wherever the portal sends the visitor
            if answer.status not in (301, 302, 303) or not answer.location:
                break
            attempt.stage, path = "confirmation", answer.location
            answer = browser.request("GET", path)
        found = REFERENCE.search(answer.body)
        if answer.status == 200 and found and path != form_path:
            attempt.outcome, attempt.status, attempt.reference, attempt.detail = "confirmed", 200, found[0], path
            return None
        return settle(attempt, answer)
    except (OSError, http.client.HTTPException) as error:
        attempt.outcome, attempt.detail = "no answer", f"{type(error).__name__}: {error}"
        return None


def settle(attempt: Attempt, answer: Answer) -> None:
    attempt.status = answer.status
    attempt.outcome = "5xx" if answer.status >= 500 else "refused"
    if attempt.outcome == "refused":  # what the page said: an error summary, a closed form…
        attempt.detail = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.body))[:300]


# ---------------------------------------------------------------------------------------------------------
# The drill: clients and faults together, then the count.


class Drill:
    def __init__(self, stack: Stack, *, form_path: str):
        self.stack = stack
        self.form_path = form_path
        self.marker = f"Drill {stack.tmp.name[-8:]}"
        self.stop = threading.Event()
        self.attempts: list[Attempt] = []
        self.faults: list[dict] = []
        self.began = 0.0
        self.drained_in = 0.0

    def citizen(self, client: int) -> None:
        for number in range(1, 10**6):
            if self.stop.is_set():
                return
            attempt = Attempt(
                client=client,
                text=f"{self.marker}: proposal {client}-{number}. Аулаларды абаттандыруды жалғастыру керек.",
                email=f"drill-{client}-{number}@example.test",
                started=time.monotonic() - self.began,
            )
            submit(self.stack.port["web"], self.form_path, attempt)
            attempt.ended = time.monotonic() - self.began
            self.attempts.append(attempt)
            if attempt.outcome != "confirmed":
                self.stop.wait(0.5)  # a citizen who saw an error tries again a little later, with a new text

    def run(self, *, clients: int, seconds: int) -> None:
        say(f"{clients} clients submit proposals for {seconds} s while the stack is broken under them")
        self.began = self.stack.began = time.monotonic()
        threads = [threading.Thread(target=self.citizen, args=(n,), daemon=True) for n in range(1, clients + 1)]
        for thread in threads:
            thread.start()
        for share, fault in FAULTS:
            time.sleep(max(0.0, self.began + share * seconds - time.monotonic()))
            at = time.monotonic() - self.began
            say(f"+{at:5.1f} s  {fault.__name__}: {fault.__doc__.splitlines()[0]}")
            fault(self.stack)
            until = time.monotonic() - self.began
            self.faults.append({"fault": fault.__name__, "at": round(at, 1), "until": round(until, 1)})
        # Submitting goes on at least 5 s after the last fault, so that recovery is seen under load.
        end = self.began + max(seconds, until + 5)
        time.sleep(max(0.0, end - time.monotonic()))
        self.stop.set()
        for thread in threads:
            thread.join()
        say(f"+{time.monotonic() - self.began:5.1f} s  clients stopped after {len(self.attempts)} attempts")

    def fault_at(self, seconds: float) -> str:
        """The fault under way (or last ended less than 10 s before) at that time of the run."""
        for fault in reversed(self.faults):
            if fault["at"] <= seconds <= fault["until"] + 10:
                return fault["fault"]
        return "no fault"

    def count(self, consultation_id: int, *, drain_timeout: int) -> Result:
        with self.stack.database() as db:
            stored = db.execute(
                "SELECT reference, text, contact FROM proposals_proposal WHERE consultation_id = %s AND text LIKE %s",
                (consultation_id, self.marker + "%"),
            ).fetchall()
            addresses = {contact.lower() for _ref, _text, contact in stored}
            outbox = self.drain(db, addresses, timeout=drain_timeout)
        return Result(self, stored, outbox, self.stack.sink.counts())

    def drain(self, db: psycopg.Connection, addresses: set[str], *, timeout: int) -> dict[str, int]:
        """Wait until no confirmation mail is waiting in the outbox and the sink has one for every address."""
        began = time.monotonic()
        deadline = began + timeout
        said = 0.0
        while True:
            rows = db.execute('SELECT lower("to"), state FROM publications_outgoingmail').fetchall()
            outbox = collections.Counter(state for to, state in rows if to in addresses)
            received = sum(1 for address in self.stack.sink.counts() if address in addresses)
            waiting = outbox["pending"] + outbox["sending"]
            if waiting == 0 or time.monotonic() > deadline:  # what failed for good is not waited for
                self.drained_in = time.monotonic() - began
                return dict(outbox)
            if time.monotonic() - said > 15:
                say(f"Waiting for the outbox: {received} of {len(addresses)} mails received, {waiting} waiting")
                said = time.monotonic()
            time.sleep(2)


@dataclasses.dataclass
class Result:
    drill: Drill
    stored_rows: list[tuple[str, str, str]]
    outbox: dict[str, int]
    received: collections.Counter[str]

    def __post_init__(self):
        attempts = self.drill.attempts
        by_reference = {reference: text for reference, text, _contact in self.stored_rows}
        texts = collections.Counter(text for _reference, text, _contact in self.stored_rows)
        self.confirmed = [a for a in attempts if a.outcome == "confirmed"]
        self.lost = [a for a in self.confirmed if by_reference.get(a.reference) != a.text]
        self.duplicated = sorted(text for text, count in texts.items() if count > 1)
        self.errors = [a for a in attempts if a.outcome == "5xx"]
        self.silent = [a for a in attempts if a.outcome == "no answer"]
        self.refused = [a for a in attempts if a.outcome == "refused"]
        stored_texts = set(texts)
        references = collections.defaultdict(list)
        for reference, text, _contact in self.stored_rows:
            references[text].append(reference)
        # The citizen saw an error (or nothing) for a proposal the council has: finding 3 of issue 13.
        self.error_but_stored = [(a, references[a.text]) for a in self.errors + self.silent if a.text in stored_texts]
        expected = {contact.lower() for _reference, _text, contact in self.stored_rows}
        self.mails_expected = len(expected)
        self.mails_received = sum(1 for address in expected if self.received[address])
        self.mails_twice = sum(1 for address in expected if self.received[address] > 1)
        self.passed = not self.lost and not self.duplicated and self.mails_received == self.mails_expected
        self.passed = self.passed and bool(self.confirmed)

    def stored_at(self, stage: str) -> int:
        return sum(1 for attempt, _references in self.error_but_stored if attempt.stage == stage)

    def report(self) -> str:
        d = self.drill
        stages = collections.Counter(f"{a.stage} {a.status}" for a in self.errors)
        by_fault = collections.Counter(d.fault_at(a.ended) for a in self.errors + self.silent)
        lines = [
            "",
            "Faults (seconds into the run)",
            *(f"  {f['fault']:<18} {f['at']:6.1f} → {f['until']:6.1f}" for f in d.faults),
            "Proposals",
            f"  attempts            {len(d.attempts):6}",
            f"  confirmed           {len(self.confirmed):6}   the confirmation page showed the reference",
            f"  stored              {len(self.stored_rows):6}   drill proposals in the database",
            f"  lost                {len(self.lost):6}   confirmed, but not in the database",
            f"  duplicated          {len(self.duplicated):6}   one text stored more than once",
            f"  5xx answers         {len(self.errors):6}   {dict(stages) or ''}",
            f"  no answer           {len(self.silent):6}   connection refused, reset or timed out",
            f"  errors, yet stored  {len(self.error_but_stored):6}   the citizen saw an error for a stored proposal:",
            f"    sending the form  {self.stored_at('submit'):6}   no reference shown at all (issue 13, finding 3)",
            f"    confirmation page {self.stored_at('confirmation'):6}   redirected to it, then an error page",
            *(f"      {', '.join(refs)}: {a.stage} → {a.status or a.detail} at +{a.ended:.1f} s"
              for a, refs in self.error_but_stored),
            f"  refused             {len(self.refused):6}   other answers (form errors, 4xx)",
            *(f"      {a.stage} {a.status}: {a.detail[:150]}" for a in self.refused[:5]),
            f"  errors by fault     {dict(by_fault) or ''}",
            "Confirmation mails",
            f"  expected            {self.mails_expected:6}   one per stored proposal",
            f"  received            {self.mails_received:6}   by the SMTP sink",
            f"  received twice      {self.mails_twice:6}",
            f"  outbox              {self.outbox}, drained {d.drained_in:.0f} s after recovery",
            f"Processes that ended on their own (restarted, as docker-compose would): {len(d.stack.exits)}",
            *(f"  {e['process']} at +{e['at']} s, exit code {e['exit code']}: {e['log']}" for e in d.stack.exits),
            "",
        ]  # fmt: skip
        for a in self.lost:
            lines.append(f"LOST: {a.reference} ({a.text})")
        for text in self.duplicated:
            lines.append(f"DUPLICATED: {text}")
        verdict = "PASS" if self.passed else "FAIL"
        lines.append(f"{verdict}: lost {len(self.lost)}, duplicated {len(self.duplicated)}, "
                     f"mails {self.mails_received}/{self.mails_expected}")  # fmt: skip
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "attempts": len(self.drill.attempts),
            "confirmed": len(self.confirmed),
            "stored": len(self.stored_rows),
            "lost": [a.reference for a in self.lost],
            "duplicated": self.duplicated,
            "5xx": [dataclasses.asdict(a) for a in self.errors],
            "no_answer": [dataclasses.asdict(a) for a in self.silent],
            "errors_yet_stored": [{"references": refs, **dataclasses.asdict(a)} for a, refs in self.error_but_stored],
            "refused": [dataclasses.asdict(a) for a in self.refused],
            "faults": self.drill.faults,
            "mails": {"expected": self.mails_expected, "received": self.mails_received, "twice": self.mails_twice},
            "outbox": self.outbox,
            "drained_in": round(self.drill.drained_in, 1),
            "exits": self.drill.stack.exits,
            "passed": self.passed,
        }


def say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("Interrupted; everything the drill started is stopped.")
