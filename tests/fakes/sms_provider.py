"""A fake SMS provider on 127.0.0.1, written from what an HTTP SMS API with idempotency
keys documents (the IETF draft "The Idempotency-Key HTTP Header Field"; Twilio's and
Stripe's APIs read it the same way), not from our adapter:

* POST with a JSON body; any 2xx answer means the message was taken.
* A request with an `Idempotency-Key` header seen before sends nothing again: it is
  answered with the first request's answer. Without the header, every request is a message.
* Tests steer it: `statuses` (the next answers; the last one repeats), `delay` (seconds
  before each answer), `hang` (accept, read, and answer only once it is cleared).

`delivered` is every message a phone would receive.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SmsProvider:
    def __init__(self, statuses=(200,), delay=0.0):
        self.statuses = list(statuses)
        self.delay = delay
        self.hang = threading.Event()
        self.requests: list[dict] = []
        self.delivered: list[dict] = []
        self.answers: dict[str, int] = {}
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                status = provider._take(dict(self.headers), body)
                while provider.hang.is_set():
                    time.sleep(0.05)
                time.sleep(provider.delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}')
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def _take(self, headers: dict, body: dict) -> int:
        with self.lock:
            self.requests.append({"headers": headers, "body": body})
            key = headers.get("Idempotency-Key")
            if key is not None and key in self.answers:
                return self.answers[key]
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            if 200 <= status < 300:
                self.delivered.append(body)
            if key is not None:
                self.answers[key] = status
            return status

    def close(self):
        self.server.shutdown()
        self.server.server_close()
