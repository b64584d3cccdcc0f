"""忘记密码 over real servers: aiosmtpd receives the mail (tests/notices/test_mail.py's inbox), and
a stand-in of Aliyun's SendSms API (a real HTTP server on a free port) checks each request's
signature as Aliyun does and keeps the messages."""
import base64
import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

import pytest

from core.queue import huey
from tests.notices.test_mail import smtp  # noqa: F401 (the fixture: a real SMTP server)

SITE = "https://learn.example.cn"
ACCESS_KEY_ID, ACCESS_KEY_SECRET = "LTAI-test-id", "test-access-secret"
LINK = re.compile(re.escape(SITE) + r"/password/reset/(\S+)")


class SmsGateway:
    """What the stand-in received: ``messages`` (phone, TemplateParam) it accepted, ``refused`` requests
    whose signature did not check out, and a ``fail`` switch (Aliyun's throttling answer)."""

    def __init__(self):
        self.messages, self.refused, self.fail = [], [], False

    def codes_to(self, phone: str) -> list[str]:
        return [json.loads(param)["code"] for to, param in self.messages if to == phone]


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")


def expected_signature(params: dict, method: str = "POST") -> str:
    """Aliyun's RPC signature 1.0, written here from its documentation, not from recovery/sms.py."""
    query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = f"{method}&%2F&{_encode(query)}"
    mac = hmac.new(f"{ACCESS_KEY_SECRET}&".encode(), to_sign.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def _handler(gateway: SmsGateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            params = dict(parse_qsl(body, keep_blank_values=True))
            good = (params.get("Action") == "SendSms" and params.get("AccessKeyId") == ACCESS_KEY_ID
                    and params.get("SignatureMethod") == "HMAC-SHA1" and params.get("SignatureVersion") == "1.0"
                    and params.get("Signature") == expected_signature(params))
            if not good:
                gateway.refused.append(params)
                return self._answer(400, {"Code": "IncompleteSignature", "Message": "signature mismatch"})
            if gateway.fail:
                return self._answer(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"})
            gateway.messages.append((params["PhoneNumbers"], params["TemplateParam"]))
            return self._answer(200, {"Code": "OK", "Message": "OK", "BizId": f"biz{len(gateway.messages)}",
                                      "RequestId": "req"})

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def sms_gateway():
    gateway = SmsGateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_port}/"
    yield gateway
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def sms_settings(gateway: SmsGateway) -> dict:
    return {"SMS_PROVIDER": "aliyun", "SMS_ENDPOINT": gateway.url, "SMS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "SMS_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET, "SMS_SIGN_NAME": "知新学习", "SMS_TEMPLATE_CODE": "SMS_000001"}


@pytest.fixture
def app_overrides(smtp, sms_gateway):  # noqa: F811
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "MAIL_FROM": "知新 <noreply@learn.example.cn>",
            "SITE_URL": SITE, **sms_settings(sms_gateway)}


@pytest.fixture(autouse=True)
def empty_queue(app):
    huey.flush()
    yield
    huey.flush()


def link_in(smtp) -> str:  # noqa: F811
    """The path of the reset link in the last mail the SMTP server received."""
    text = smtp.messages()[-1].get_content()
    return "/password/reset/" + LINK.search(text).group(1)
