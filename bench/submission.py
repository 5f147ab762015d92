"""How many proposals a second the portal's form confirms (issue 16 item 4), and that none is lost.

It starts a stack of its own on free ports in a temporary directory, as the fault drill does (bench/faults.py):
a PostgreSQL cluster, Redis and gunicorn serving the portal with production settings (DEBUG off, persistent
database connections); it migrates, collects the static files and opens one consultation for proposals
(bench/open_consultation.py). No Celery worker runs: the confirmation mails stay in the outbox, where the
check counts them; sending them is not the form's work.

Then wrk (`apt-get install wrk`) drives bench/submission.lua: `--clients` connections, one thread each, for
`--seconds`, in one of two modes:

- browser: every proposal is a GET of the form (its CSRF cookie and token) and its POST;
- session: each connection gets the form once and then POSTs proposal after proposal (a pool of sessions),
  each with a new one-time token; the latencies are then the POST's alone.

Every proposal asks for an answer at a new email address, so that each is stored with its consent, its
reference and its confirmation mail (the costliest post). It prints confirmed proposals a second, the
latencies wrk measured, and the check in the database: every confirmed reference stored exactly once with
the text its client wrote, no duplicate text, one pending confirmation mail per stored proposal — counted once
gunicorn has stopped, in one snapshot — and the CPU time gunicorn and PostgreSQL used per confirmed proposal
(on a machine others load, the rate is the stack's share of it; the CPU time says what two idle cores would
give). The exit status is 0 only if the check holds.

    make bench-submit BENCH_SUBMIT_ARGS="--clients 8 --seconds 20 --mode session"
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.faults import BIN, ROOT, Stack, say

LUA = Path(__file__).with_suffix(".lua")


class SubmissionStack(Stack):
    """The drill's stack without its Celery worker and beat, gunicorn with the chosen worker class."""

    worker_class = "sync"
    threads = 1

    def start_web(self, workers: int) -> None:
        self.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "qogam.wsgi", "--bind", f"127.0.0.1:{self.port['web']}", "--workers",
             str(workers), "--worker-class", self.worker_class, "--threads", str(self.threads),
             "--timeout", "30", "--backlog", "2048"],
        )  # fmt: skip

    def start_all(self, *, web_workers: int) -> None:
        started = time.monotonic()
        say(f"Starting the benchmark's own stack in {self.tmp} (ports {self.port})")
        self.start_postgres()
        self.start_redis()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.start_web(web_workers)
        self.wait_until_healthy(timeout=60)
        say(f"Stack up in {time.monotonic() - started:.0f} s")


def cpu_seconds(root: int) -> float:
    """CPU time (user and system) used so far by process `root` and its living children: gunicorn's master
    and workers, or PostgreSQL's postmaster and backends."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if root in (pid, parent):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_wrk(stack: Stack, *, form_path: str, mode: str, clients: int, seconds: int, out: Path) -> dict[str, float]:
    command = [
        "wrk", "-t", str(clients), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s", "--latency",
        "-s", str(LUA), f"http://127.0.0.1:{stack.port['web']}", "--", form_path, mode, str(out),
    ]  # fmt: skip
    say("$ " + " ".join(command))
    done = subprocess.run(command, capture_output=True, text=True)
    (stack.logs / f"wrk-{mode}.log").write_text(done.stdout + done.stderr)
    print(done.stdout, end="")
    found = re.search(r"^RESULT (.*)$", done.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")
    return {key: float(value) for key, value in (pair.split("=") for pair in found[1].split())}


def check(stack: Stack, consultation_id: int, out: Path) -> dict[str, int]:
    """What the database holds against what the clients were told."""
    confirmed = [line.split() for line in out.read_text().splitlines() if line.strip()]
    with stack.database() as db, db.transaction():
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot for every count
        stored = db.execute(
            "SELECT reference, text FROM proposals_proposal WHERE consultation_id = %s", [consultation_id]
        ).fetchall()
        mails = db.execute(
            'SELECT count(*), count(DISTINCT lower("to")) FROM publications_outgoingmail WHERE kind = %s',
            ["proposal-confirmation"],
        ).fetchone()
        consented = db.execute(
            "SELECT count(*) FROM proposals_proposal WHERE consultation_id = %s AND consent_text_id IS NOT NULL "
            "AND consent_given_at IS NOT NULL",
            [consultation_id],
        ).fetchone()[0]
    texts = dict(stored)
    writers = [text.split(":")[0].removeprefix("Bench proposal ") for text in texts.values()]
    lost = [ref for ref, who in confirmed if ref not in texts]
    wrong = [ref for ref, who in confirmed if ref in texts and not texts[ref].startswith(f"Bench proposal {who}:")]
    return {
        "confirmed": len(confirmed),
        "distinct confirmed references": len({ref for ref, _who in confirmed}),
        "stored": len(stored),
        "lost": len(lost),
        "stored under another's reference": len(wrong),
        "duplicated texts": len(writers) - len(set(writers)),
        "stored without consent": len(stored) - consented,
        "confirmation mails": mails[0],
        "confirmation mails to distinct addresses": mails[1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="connections (browsers) at once (8)")
    parser.add_argument("--seconds", type=int, default=20, help="how long they submit (20)")
    parser.add_argument("--mode", choices=("browser", "session"), default="browser", help="see above (browser)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync", help="gunicorn's (sync)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker (1)")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    stack = SubmissionStack()
    stack.worker_class, stack.threads = options.worker_class, options.threads
    try:
        stack.start_all(web_workers=options.web_workers)
        consultation = stack.open_consultation()
        form_path = f"/kk/consultations/{consultation['slug']}/propose/"
        out = stack.tmp / "confirmed.txt"
        load = os.getloadavg()
        servers = {
            "gunicorn": stack.processes["gunicorn"].pid,
            "postgres": int((stack.pg_dir / "data" / "postmaster.pid").read_text().split()[0]),
        }
        cpu_before = {name: cpu_seconds(pid) for name, pid in servers.items()}
        result = run_wrk(
            stack, form_path=form_path, mode=options.mode, clients=options.clients, seconds=options.seconds, out=out
        )
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in servers.items()}
        # The answers wrk did not wait for are finished, or not, before anything is counted.
        stack.stop("gunicorn")
        counts = check(stack, consultation["id"], out)
        rate = result["confirmed"] / result["seconds"]
        print(
            f"\nSubmission, {options.mode} mode: {options.clients} clients for {result['seconds']:.1f} s, gunicorn "
            f"{options.web_workers} {options.worker_class} workers"
            + (f" × {options.threads} threads" if options.worker_class == "gthread" else "")
            + f"; load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after "
            + " ".join(f"{x:.2f}" for x in os.getloadavg())
        )
        print(f"  confirmed proposals/s: {rate:.1f}   (requests {result['requests']:.0f}, "
              f"refused {result['refused']:.0f}, socket errors/non-2xx-3xx {result['errors']:.0f})")  # fmt: skip
        print(f"  latency of every request: p50 {result['p50_ms']:.1f} ms, p90 {result['p90_ms']:.1f} ms, "
              f"p99 {result['p99_ms']:.1f} ms")  # fmt: skip
        if result["confirmed"]:
            per = {name: 1000 * seconds / result["confirmed"] for name, seconds in cpu.items()}
            # What the machine could confirm with both cores for the two servers alone (wrk, Redis aside).
            print(
                f"  CPU per confirmed proposal: gunicorn {per['gunicorn']:.1f} ms, PostgreSQL {per['postgres']:.1f} ms"
                f" — on 2 idle cores at most {2000 / (per['gunicorn'] + per['postgres']):.0f} proposals/s"
            )
            result |= {f"cpu_ms_{name}": value for name, value in per.items()}
        for name, value in counts.items():
            print(f"  {name}: {value}")
        # A proposal stored whose answer wrk did not read (its time was up) is stored but not confirmed.
        passed = (
            counts["lost"] == 0
            and counts["stored under another's reference"] == 0
            and counts["duplicated texts"] == 0
            and counts["stored without consent"] == 0
            and counts["distinct confirmed references"] == counts["confirmed"]
            and counts["confirmation mails"] == counts["stored"] == counts["confirmation mails to distinct addresses"]
            and counts["confirmed"] <= counts["stored"] <= counts["confirmed"] + options.clients
        )
        print("  nothing lost, nothing duplicated: " + ("yes" if passed else "NO"))
        stack.keep_summary({"options": vars(options), "wrk": result, "check": counts, "passed": passed})
        return 0 if passed else 1
    finally:
        stack.close()


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
