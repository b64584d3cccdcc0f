"""A reference receiver of Zhixin's push (docs/sync.md, 推送 / Push). Standard library only.

It checks each message's signature and timestamp, refuses replays outside the window, and
keeps each event once by its CloudEvents ``id`` (a repeat is answered 200 and changes
nothing): Zhixin delivers at least once, so a receiver must deduplicate. It answers 2xx only
once the event is stored; here "stored" is a dict, a real receiver writes its database in the
same transaction as it records the id.

Run it:  ZHIXIN_PUSH_SECRET=zxp_… python docs/push_receiver.py 8080
"""
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from wsgiref.simple_server import make_server

SIGNATURE_HEADER = "HTTP_X_ZHIXIN_SIGNATURE"  # X-Zhixin-Signature: sha256=<hex>
TIMESTAMP_HEADER = "HTTP_X_ZHIXIN_TIMESTAMP"  # X-Zhixin-Timestamp: Unix seconds
TOLERANCE_SECONDS = 300
MAX_BODY = 1 << 20


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 under the secret of the timestamp, ".", then the body."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, signature: str, body: bytes, now: float,
           tolerance: float = TOLERANCE_SECONDS) -> bool:
    """True when the signature is the sender's and the timestamp is within ``tolerance`` of ``now``."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(expected_signature(secret, timestamp, body), signature)


def digest(event_ids) -> dict:
    """The day's digest as Zhixin computes it: count, SHA-256 of the sorted ids joined by "\\n"."""
    ids = sorted(event_ids)
    return {"count": len(ids), "sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest()}


class Receiver:
    """A WSGI app receiving pushed events: ``events`` maps each event id to its message."""

    def __init__(self, secret: str, clock=time.time, tolerance: float = TOLERANCE_SECONDS):
        self.secret, self.clock, self.tolerance = secret, clock, tolerance
        self.events: dict[str, dict] = {}
        self.deliveries = 0  # accepted messages, repeats included
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return self._answer(start_response, "405 Method Not Allowed", {"error": "POST only"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            return self._answer(start_response, "413 Payload Too Large", {"error": "too large"})
        body = environ["wsgi.input"].read(length)
        if not verify(self.secret, environ.get(TIMESTAMP_HEADER, ""), environ.get(SIGNATURE_HEADER, ""), body,
                      self.clock(), self.tolerance):
            return self._answer(start_response, "401 Unauthorized", {"error": "bad signature or timestamp"})
        try:
            event = json.loads(body)
            event_id = event["id"]
        except (ValueError, KeyError, TypeError):
            return self._answer(start_response, "400 Bad Request", {"error": "not a CloudEvent"})
        with self.lock:
            self.deliveries += 1
            duplicate = event_id in self.events
            self.events.setdefault(event_id, event)
        return self._answer(start_response, "200 OK", {"id": event_id, "duplicate": duplicate})

    @staticmethod
    def _answer(start_response, status: str, body: dict):
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    receiver = Receiver(os.environ["ZHIXIN_PUSH_SECRET"])
    with make_server("", port, receiver) as server:
        print(f"receiving on :{port}")
        server.serve_forever()


if __name__ == "__main__":
    main()
