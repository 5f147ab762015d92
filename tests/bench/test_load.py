"""The load benchmark (bench/load.py): wrk's report read right — from a real wrk run against a small local
server — and the bare view it divides by, served by the benchmark's own settings."""

import importlib
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    disable_nagle_algorithm = True  # the body not held 40 ms behind the head (demo/servers.py)

    def do_GET(self):
        body = b"ok\n" if self.path == "/ok" else b"broken\n"
        self.send_response(200 if self.path == "/ok" else 500)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def wrk():
    path = shutil.which("wrk")
    if not path:
        pytest.fail("wrk is not installed: `apt-get install -y wrk` (make test installs it as root).")
    return path


def wrk_report(wrk, url):
    done = subprocess.run(
        [wrk, "-t1", "-c2", "-d1s", "--latency", url], capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout


def test_a_real_wrk_report_is_read(wrk, server):
    report = wrk_report(wrk, server + "/ok")
    result = load.parse_wrk(report)
    assert result.requests > 0
    assert result.seconds == pytest.approx(1, abs=0.5)
    # The figures are wrk's own: its Requests/sec line, its percentiles in order.
    assert result.rps == float(re.search(r"Requests/sec:\s*([\d.]+)", report)[1])
    assert 0 < result.latency_ms[50] <= result.latency_ms[75] <= result.latency_ms[90] <= result.latency_ms[99]
    assert result.errors == 0


def test_error_answers_are_counted(wrk, server):
    result = load.parse_wrk(wrk_report(wrk, server + "/error"))
    assert result.requests > 0
    assert result.non_2xx_3xx == result.requests
    assert result.errors >= result.requests


def test_the_units_and_socket_errors_of_a_slow_run():
    report = """Running 10s test @ http://127.0.0.1:8000/kk/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.40s   300.00ms   1.99s    70.00%
    Req/Sec     4.00      2.00     10.00     80.00%
  Latency Distribution
     50%  812.00us
     75%   10.29ms
     90%    1.02s
     99%    2.00m
  84 requests in 10.02s, 1.20MB read
  Socket errors: connect 0, read 3, write 0, timeout 7
  Non-2xx or 3xx responses: 2
Requests/sec:      8.38
Transfer/sec:    122.50KB
"""
    result = load.parse_wrk(report)
    assert result.requests == 84
    assert result.seconds == pytest.approx(10.02)
    assert result.rps == 8.38
    assert result.latency_ms == {50: 0.812, 75: 10.29, 90: 1020.0, 99: 120_000.0}
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 0, "timeout": 7}
    assert result.errors == 12


def test_a_report_without_the_latency_distribution_is_refused():
    with pytest.raises(ValueError, match="--latency"):
        load.parse_wrk("  10 requests in 1.00s, 1KB read\nRequests/sec:     10.00\n")


def test_a_row_fails_on_errors_whatever_its_speed():
    row = load.Row("home", "/kk/", "cached", rps=900, p50_ms=5, p99_ms=20, bare_rps=1000)
    assert row.passed
    row.errors = 1
    assert not row.passed
    assert not load.Row("home", "/kk/", "cached", rps=900, p50_ms=5, p99_ms=60, bare_rps=1000).passed
    assert load.Row("list", "/kk/consultations/", "uncached", rps=250, p99_ms=900, bare_rps=1000).passed
    assert not load.Row("list", "/kk/consultations/", "uncached", rps=150, bare_rps=1000).passed


@pytest.mark.django_db
def test_the_bare_view_renders_twenty_items_without_a_query(client, settings, django_assert_num_queries):
    bench_settings = importlib.import_module("bench.settings")
    settings.ROOT_URLCONF = bench_settings.ROOT_URLCONF
    with django_assert_num_queries(0):
        response = client.get(load.BARE_PATH)
    assert response.status_code == 200
    assert response.content.decode().count("<li>") == 20
    # The project's pages are still there, beside it.
    assert client.get("/kk/").status_code == 200


def test_the_benchmark_settings_set_the_page_cache_from_the_environment(monkeypatch):
    import bench.settings

    monkeypatch.setenv("PAGE_CACHE", "0")
    assert importlib.reload(bench.settings).PAGE_CACHE is False
    monkeypatch.setenv("PAGE_CACHE", "1")
    assert importlib.reload(bench.settings).PAGE_CACHE is True
