"""Local stand-ins for the outside world, speaking the real protocols on 127.0.0.1: the Telegram Bot API's
sendMessage, a media partner's webhook receiver that checks signatures and drops repeats, and an SMTP
server that keeps the mail it receives."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """An HTTP server in a thread. `behaviour` is consumed one entry per request: "ok", an HTTP status
    code (500, 400…), ("sleep", seconds) before answering ok, or ("echo", status) answering that status with
    the request's path in the body; when empty, it answers ok."""

    def __init__(self):
        self.requests: list[dict] = []
        self.behaviour: list = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # the body not held 40 ms behind the head (demo/servers.py)

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                entry = {"path": self.path, "headers": dict(self.headers), "body": body}
                owner.requests.append(entry)
                action = owner.behaviour.pop(0) if owner.behaviour else "ok"
                if isinstance(action, tuple) and action[0] == "sleep":
                    time.sleep(action[1])
                    action = "ok"
                if isinstance(action, tuple) and action[0] == "echo":  # a proxy's error page quoting the address
                    self.send_response(action[1])
                    self.end_headers()
                    self.wfile.write(f"Bad gateway for {self.path}".encode())
                    return
                if action != "ok":
                    self.send_response(action)
                    self.end_headers()
                    self.wfile.write(b'{"ok": false, "description": "failure asked by the test"}')
                    return
                status, answer = owner.answer(entry)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer).encode())

        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class TelegramAPI(_Server):
    """POST /bot<token>/sendMessage {"chat_id", "text"} → {"ok": true, "result": {"message_id": n}}."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token
        self.messages: list[dict] = []

    def answer(self, entry):
        if entry["path"] != f"/bot{self.token}/sendMessage":
            return 404, {"ok": False, "description": "Not Found"}
        message = json.loads(entry["body"])
        self.messages.append(message)
        return 200, {"ok": True, "result": {"message_id": len(self.messages), "chat": {"id": message["chat_id"]}}}


class WebhookReceiver(_Server):
    """Checks X-Qogam-Signature against the shared secret, and processes each X-Qogam-Delivery once."""

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret
        self.processed: dict[str, dict] = {}
        self.bad_signatures = 0

    def answer(self, entry):
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        expected = "sha256=" + hmac.new(self.secret.encode(), entry["body"], hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers.get("x-qogam-signature", "")):
            self.bad_signatures += 1
            return 401, {"error": "bad signature"}
        key = headers["x-qogam-delivery"]
        self.processed.setdefault(key, json.loads(entry["body"]))  # a repeat is acknowledged, not processed again
        return 200, {"received": key}


class SMTPServer:
    """A real SMTP server (aiosmtpd) keeping what it receives: [(recipients, subject, body)]."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[tuple[list[str], str, str]] = []
        owner = self

        class Keep:
            async def handle_DATA(self, server, session, envelope):
                message = message_from_bytes(envelope.content)
                subject = str(make_header(decode_header(message["Subject"] or "")))
                payload = message.get_payload(decode=True) or b""
                owner.messages.append(
                    (list(envelope.rcpt_tos), subject, payload.decode(message.get_content_charset() or "utf-8"))
                )
                return "250 OK"

        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
