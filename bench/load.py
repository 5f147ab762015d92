"""The load benchmark of issue 16: the public pages under wrk, each beside the bare Django view, in one run.

    python bench/load.py --database-url postgresql://postgres@127.0.0.1:5432/qogam_bench [--scale 0.1]

It seeds the database if it has no councils yet (bench/seed_national.py, at --scale), collects the static
files into a temporary folder, and starts gunicorn (2 sync workers, DEBUG=0, production settings plus the
bare view: bench/settings.py, bench/urls.py) on a free port, against that PostgreSQL database and a Redis
database of the benchmark's own (emptied at each start). Then, for each page — home, the consultation list
plain and filtered (region + step + year), the 50,000-proposal open consultation's page, the results of the
50,000-proposal published one, its council's page, a static CSS file (WhiteNoise, the same server: the
physical limit) — a warm-up, then page, bare, page, bare (`wrk -t2 -c16 --latency`, --seconds each). The
ratio — the page's requests per second over the bare view's measured just around it — is the figure: the
machine's load moves both alike.

The server runs three times: PAGE_CACHE=0 ("uncached": pages rendered for each request from their parts kept
per content version, PAGE_CACHE_VALUES — what a signed-in visitor gets; target ≥ 0.2× the bare view),
PAGE_CACHE=1 ("cached", target ≥ 0.8× and p99 < 50 ms), and PAGE_CACHE=0 with PAGE_CACHE_VALUES=0
("rendered": nothing kept, every part rendered for each request — the first request after a change; no
target, shown so that the cost of a change stays in view); where the project has no PAGE_CACHE setting, the
cached run is skipped and the cached rows are the uncached figures, said so. A row with any error (a status
other than 2xx/3xx, a socket error) fails, whatever its speed; the exit status is 1 when a row fails.

Proposal submission needs a CSRF token per request: bench/submission.py measures it (run by `make bench`);
if that module has `measure(base_url, *, seconds, connections, database_url)` returning a dict with `rps`,
`p50_ms`, `p99_ms` and `errors`, its row is measured here too, against this server.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the project's virtualenv: gunicorn is beside its python
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/qogam_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
BARE_PATH = "/bench/bare/"
UNCACHED_RATIO = 0.2
CACHED_RATIO = 0.8
CACHED_P99_MS = 50.0
INSTALL_WRK = "apt-get install -y wrk"


# ---------------------------------------------------------------------------------------------------------
# wrk


@dataclass
class WrkResult:
    """One wrk run, as its --latency report gives it."""

    requests: int
    seconds: float
    rps: float
    latency_ms: dict[int, float]  # percentile (50, 75, 90, 99) → milliseconds
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)  # connect, read, write, timeout

    @property
    def p50_ms(self) -> float:
        return self.latency_ms[50]

    @property
    def p99_ms(self) -> float:
        return self.latency_ms[99]

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())


DURATION_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text: str) -> float:
    """wrk's durations ("812.00us", "10.29ms", "1.02s", "2.00m") in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * DURATION_UNITS_MS[match[2]]


def parse_wrk(output: str) -> WrkResult:
    """Read wrk's report (run with --latency): requests, seconds, req/s, the latency percentiles, errors."""
    done = re.search(r"^\s*(\d+) requests in ([\d.]+\w+),", output, re.M)
    rps = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.M)
    if not done or not rps:
        raise ValueError(f"not a wrk report:\n{output}")
    latency = {int(p): duration_ms(value) for p, value in re.findall(r"^\s*(50|75|90|99)%\s+(\S+)\s*$", output, re.M)}
    if set(latency) != {50, 75, 90, 99}:
        raise ValueError(f"no latency distribution in the wrk report (run it with --latency):\n{output}")
    non_2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s*(\d+)", output, re.M)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        requests=int(done[1]),
        seconds=duration_ms(done[2]) / 1000,
        rps=float(rps[1]),
        latency_ms=latency,
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
        if sockets
        else {},
    )


def find_wrk() -> str:
    """wrk's path; installed with apt-get when missing and we are root, else a loud failure naming the command."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"wrk is missing: {INSTALL_WRK}")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        )
        found = shutil.which("wrk")
    if not found:
        sys.exit(f"wrk is needed (the HTTP load generator): install it with `sudo {INSTALL_WRK}` and run again.")
    return found


def run_wrk(wrk: str, url: str, *, seconds: float, connections: int, threads: int) -> WrkResult:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s", url]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


# ---------------------------------------------------------------------------------------------------------
# The server


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(args, static_root: Path) -> dict[str, str]:
    """The server's environment, built from scratch: production settings (DEBUG=0), nothing of the caller's."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1:8000",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }


class Server:
    """gunicorn on a free port, sync workers, as the issue's setup; stopped on leaving the `with`."""

    def __init__(self, env: dict[str, str], *, workers: int, page_cache: bool, log: Path, parts_kept: bool = True):
        self.port = free_port()
        self.env = env | {
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "PAGE_CACHE": "1" if page_cache else "0",
            # "rendered" mode: nothing kept at all, every part of every page rendered for each request
            "PAGE_CACHE_VALUES": "1" if parts_kept else "0",
        }
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        command = [
            str(BIN / "gunicorn"), "qogam.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", "sync", "--timeout", "60", "--error-logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)
        try:
            self.wait_until_healthy()
        except BaseException:  # a failure or SIGTERM while starting: `with` would not stop it
            self.__exit__()
            raise
        return self

    def wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped on starting:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if status_of(self.url + "/healthz") == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout:g} s:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def status_of(url: str) -> int:
    """The status of a GET, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


PAGES_SCRIPT = """if True:
    import importlib.util, json, django
    django.setup()
    import qogam.settings
    from django.conf import settings
    from django.db.models import Count
    from consultations.models import Consultation
    from proposals.models import Proposal
    largest = list(
        Proposal.objects.values("consultation").annotate(n=Count("id")).order_by("-n")
        .values_list("consultation", "n")[:2]
    )
    found = {c.state: (c, n) for c, n in (
        (Consultation.objects.select_related("schedule__council__region").get(pk=pk), n) for pk, n in largest
    )}
    if "held" not in found or "position_published" not in found:
        raise SystemExit("The database has no open and no published consultation with the most proposals: seed it "
                         "with bench/seed_national.py.")
    open_one, open_n = found["held"]
    published, published_n = found["position_published"]
    council = open_one.schedule.council
    region = council.region.slug
    year = published.schedule.year
    filtered = Consultation.objects.filter(
        schedule__council__region__slug=region, state="position_published", schedule__year=year
    ).count()
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())["paths"]
    print(json.dumps({
        "pages": [
            ["home", "/kk/"],
            ["list", "/kk/consultations/"],
            [f"list ?region&step&year ({filtered})",
             f"/kk/consultations/?region={region}&step=position_published&year={year}"],
            [f"consultation ({open_n:,} proposals, open)", f"/kk/consultations/{open_one.slug}/"],
            [f"results ({published_n:,} proposals)", f"/kk/consultations/{published.slug}/results/"],
            ["council", f"/kk/councils/{council.slug}/"],
        ],
        "static": settings.STATIC_URL + manifest["qogam/site.css"],
        "page_cache_setting": hasattr(qogam.settings, "PAGE_CACHE"),
        "page_cache_module": importlib.util.find_spec("common.page_cache") is not None,
    }))
"""


# ---------------------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Row:
    page: str
    path: str
    mode: str  # uncached (parts kept per content version), rendered (nothing kept), cached, static
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    bare_rps: float = 0.0
    bare_p99_ms: float = 0.0
    note: str = ""
    runs: list = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.rps / self.bare_rps if self.bare_rps else 0.0

    @property
    def target(self) -> str:
        if self.mode == "cached":
            return f"≥ {CACHED_RATIO}×, p99 < {CACHED_P99_MS:g} ms"
        if self.mode == "uncached":
            return f"≥ {UNCACHED_RATIO}×"
        return "— (the limit)" if self.mode == "static" else "—"

    @property
    def passed(self) -> bool:
        if self.errors:
            return False
        if self.mode == "cached":
            return self.ratio >= CACHED_RATIO and self.p99_ms < CACHED_P99_MS
        if self.mode == "uncached":
            return self.ratio >= UNCACHED_RATIO
        return True


def drain(server: Server) -> None:
    """Wait for the requests wrk left queued when it stopped (sync workers: in the listen backlog, still to be
    served) so that they do not slow the next run: two requests in turn, each answered after those before it."""
    for _ in range(2):
        status_of(server.url + BARE_PATH)


def measure(wrk, server: Server, label: str, path: str, mode: str, args) -> Row:
    """Warm-up, then page, bare, page, bare…: req/s over both page runs; p50 their mean, p99 the worse one."""
    status = status_of(server.url + path)
    if status != 200:
        say(f"  {label}: {path} answered {status}")
        return Row(label, path, mode, errors=1, note=f"answered {status}")
    options = {"connections": args.connections, "threads": args.threads}

    def run(address: str, seconds: float) -> WrkResult:
        result = run_wrk(wrk, address, seconds=seconds, **options)
        drain(server)
        return result

    run(server.url + path, args.warmup)
    pages, bares = [], []
    for _ in range(args.rounds):
        pages.append(run(server.url + path, args.seconds))
        bares.append(run(server.url + BARE_PATH, args.seconds))
    row = Row(
        label,
        path,
        mode,
        rps=sum(r.requests for r in pages) / sum(r.seconds for r in pages),
        p50_ms=sum(r.p50_ms for r in pages) / len(pages),
        p99_ms=max(r.p99_ms for r in pages),
        errors=sum(r.errors for r in pages) + sum(r.errors for r in bares),
        bare_rps=sum(r.requests for r in bares) / sum(r.seconds for r in bares),
        bare_p99_ms=max(r.p99_ms for r in bares),
        runs=[{"page": asdict(p), "bare": asdict(b)} for p, b in zip(pages, bares, strict=True)],
    )
    if row.errors:
        row.note = "errors: " + ", ".join(
            f"{kind} {n}"
            for r in pages + bares
            for kind, n in [("non-2xx/3xx", r.non_2xx_3xx), *r.socket_errors.items()]
            if n
        )
    say(f"  {format_row(row)}")
    return row


def submission_row(server: Server, args) -> Row | None:
    """Proposal submission, if bench/submission.py offers `measure` (see the module's docstring)."""
    path = ROOT / "bench" / "submission.py"
    if not path.exists():
        return Row("proposal submission", "POST …/propose/", "info", note="not measured: see make bench-submit")
    spec = importlib.util.spec_from_file_location("bench_submission", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "measure"):
        return Row("proposal submission", "POST …/propose/", "info", note="measured by bench/submission.py")
    result = module.measure(
        server.url, seconds=args.seconds, connections=args.connections, database_url=args.database_url
    )
    return Row(
        "proposal submission",
        "POST …/propose/",
        "info",
        rps=result["rps"],
        p50_ms=result["p50_ms"],
        p99_ms=result["p99_ms"],
        errors=result.get("errors", 0),
        note="bench/submission.py",
    )


HEADER = (
    f"{'page':<42} {'mode':<9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'bare r/s':>8} {'bare p99':>8} {'ratio':>6}  "
    f"{'target':<24} result"
)


def format_row(row: Row) -> str:
    if not row.rps and row.mode == "info":
        return f"{row.page:<42} {row.note}"
    verdict = "pass" if row.passed else "FAIL"
    ratio = f"{row.ratio:.2f}" if row.bare_rps else "—"
    bare = f"{row.bare_rps:.0f}" if row.bare_rps else "—"
    bare_p99 = f"{row.bare_p99_ms:.1f}" if row.bare_rps else "—"
    line = (
        f"{row.page:<42} {row.mode:<9} {row.rps:>8.0f} {row.p50_ms:>7.1f} {row.p99_ms:>7.1f} {bare:>8} {bare_p99:>8} "
        f"{ratio:>6}  "
        f"{row.target:<24} {verdict}"
    )
    return line + (f"  ({row.note})" if row.note else "")


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def versions(args, wrk: str) -> str:
    """gunicorn's, PostgreSQL's, Redis' and wrk's versions, as far as they answer."""
    found = []
    with contextlib.suppress(Exception):
        done = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True, text=True)
        found.append(done.stdout.strip())
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect(args.database_url, connect_timeout=5) as conn:
            found.append("PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0])
    with contextlib.suppress(Exception):
        import redis

        found.append("Redis " + redis.Redis.from_url(args.redis_url).info("server")["redis_version"])
    with contextlib.suppress(Exception):
        done = subprocess.run([wrk, "-v"], capture_output=True, text=True)
        found.append("wrk " + (done.stdout + done.stderr).split()[1])
    return ", ".join(found)


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    return f"{platform.platform()}, {cpus} CPU ({model}), Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
        help=f"a Redis database of the benchmark's own, emptied at each start ({DEFAULT_REDIS_URL})",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="seed at this scale if the database is not seeded")
    parser.add_argument("--seconds", type=float, default=10, help="each wrk run (10)")
    parser.add_argument("--rounds", type=int, default=2, help="page, bare pairs per page (2)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of warm-up per page (5)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument(
        "--modes",
        default="uncached,cached,rendered",
        help="uncached (PAGE_CACHE=0, the pages' parts kept), cached (PAGE_CACHE=1), rendered (nothing kept: "
        "PAGE_CACHE=0 and PAGE_CACHE_VALUES=0, the cost after every change; no target)",
    )
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    parser.add_argument("--json", type=Path, help="write the rows and every wrk run to this file")
    args = parser.parse_args(argv)

    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the server is stopped on the way out
    wrk = find_wrk()
    now = datetime.datetime.now(datetime.UTC)
    say(f"Machine: {machine()}; load average {load_average()}; {now:%Y-%m-%d %H:%M} UTC")
    say(f"Software: {versions(args, wrk)}")
    say(f"Database {args.database_url}; Redis {args.redis_url}; gunicorn {args.workers} sync workers; "
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} × {args.seconds:g} s per page and per bare view, "
        f"after {args.warmup:g} s of warm-up")  # fmt: skip
    seed = [sys.executable, "bench/seed_national.py", "--database-url", args.database_url, "--create-database",
            "--migrate", "--skip-if-seeded", "--scale", str(args.scale)]  # fmt: skip
    subprocess.run(seed, cwd=ROOT, check=True)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="qogam-load-") as tmp:
        env = base_env(args, Path(tmp) / "static")
        manage(env, "collectstatic", "--noinput", "-v0")
        found = subprocess.run([sys.executable, "-c", PAGES_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True)
        if found.returncode:
            raise SystemExit(f"Could not find the pages to measure:\n{found.stderr[-3000:]}")
        plan = json.loads(found.stdout)
        pages = [(label, path) for label, path in plan["pages"] if not args.only or args.only in label]
        has_cache = plan["page_cache_setting"] or plan["page_cache_module"]
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        if not has_cache and "cached" in modes:
            say("The project has no page cache (no PAGE_CACHE setting, no common/page_cache.py): the cached rows are "
                "the uncached figures, not measured again.")  # fmt: skip
        measured_modes = [m for m in modes if m in ("uncached", "rendered") or has_cache]
        for mode in measured_modes:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()
            log = Path(tmp) / f"gunicorn-{mode}.log"
            parts_kept = mode != "rendered"
            with Server(
                env, workers=args.workers, page_cache=mode == "cached", log=log, parts_kept=parts_kept
            ) as server:
                settings_in_use = f"PAGE_CACHE={server.env['PAGE_CACHE']}, PAGE_CACHE_VALUES={int(parts_kept)}"
                say(f"\n{mode}: {settings_in_use}, {server.url}, load average {load_average()}")
                say(f"  {HEADER}")
                run_wrk(wrk, server.url + BARE_PATH, seconds=args.warmup, connections=args.connections,
                        threads=args.threads)  # fmt: skip
                drain(server)
                for label, path in pages:
                    rows.append(measure(wrk, server, label, path, mode, args))
                if mode == measured_modes[0]:
                    if not args.only or args.only in "static":
                        rows.append(measure(wrk, server, "static file (WhiteNoise)", plan["static"], "static", args))
                    with contextlib.suppress(Exception):
                        extra = submission_row(server, args)
                        if extra:
                            rows.append(extra)
                errors = log.read_text() if log.exists() else ""
                if "Traceback" in errors:
                    say(f"  gunicorn logged errors:\n{errors[-3000:]}")
        if "cached" in modes and not has_cache:
            for row in [r for r in rows if r.mode == "uncached"]:
                note = "; ".join(filter(None, ["= uncached: no page cache in this tree", row.note]))
                rows.append(Row(**{**asdict(row), "mode": "cached", "note": note, "runs": []}))

    minutes = (time.monotonic() - started) / 60
    say(f"\nLoad benchmark — {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{load_average()}, {minutes:.1f} min; ratio = page req/s ÷ the bare view's, measured alternately")  # fmt: skip
    say(HEADER)
    for row in sorted(rows, key=lambda r: {"rendered": 0, "uncached": 1, "cached": 2, "static": 3}.get(r.mode, 4)):
        say(format_row(row))
    judged = [r for r in rows if r.mode != "info"]
    failed = [r for r in judged if not r.passed]
    say(f"Passed: {len(judged) - len(failed)} of {len(judged)} rows; failed: {len(failed)}.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps([asdict(r) | {"ratio": r.ratio, "passed": r.passed} for r in rows], indent=1, default=str)
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
