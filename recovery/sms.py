"""SMS through Aliyun's Short Message Service (阿里云短信服务, Dysmsapi ``SendSms``, API version
2017-05-25), chosen by ``SMS_PROVIDER = "aliyun"``; off (empty) by default.

The call is an RPC-style POST signed as Aliyun documents its signature version 1.0: every
parameter but ``Signature``, sorted by name, each name and value percent-encoded per RFC 3986
(space as %20, ``~`` kept), joined with ``=`` and ``&``; the string to sign is
``POST&%2F&`` + that query, percent-encoded again; the signature is Base64 of its HMAC-SHA1
under ``AccessKeySecret + "&"``. The answer is JSON whose ``Code`` is ``OK`` on success.

Settings: SMS_ENDPOINT (https://dysmsapi.aliyuncs.com/), SMS_ACCESS_KEY_ID, SMS_ACCESS_KEY_SECRET,
SMS_SIGN_NAME (the approved 签名), SMS_TEMPLATE_CODE (an approved template with a ``${code}``).
"""
import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import quote

TIMEOUT_SECONDS = 10
API_VERSION = "2017-05-25"


class SmsNotSent(Exception):
    """The provider could not be reached or refused the message (its code and message)."""


def percent_encode(value: str) -> str:
    return quote(str(value), safe="-_.~")


def canonical_query(params: dict) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def signature(method: str, params: dict, access_key_secret: str) -> str:
    """Aliyun's signature version 1.0 of ``params`` (without ``Signature``) for ``method``."""
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    mac = hmac.new(f"{access_key_secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def send_sms_params(config, phone: str, code: str, now: datetime, nonce: str | None = None) -> dict:
    """The signed parameters of one ``SendSms`` of ``code`` to ``phone`` at ``now``."""
    params = {
        "AccessKeyId": config["SMS_ACCESS_KEY_ID"], "Action": "SendSms", "Format": "JSON",
        "RegionId": "cn-hangzhou", "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce or secrets.token_hex(16),
        "SignatureVersion": "1.0", "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": API_VERSION,
        "PhoneNumbers": phone, "SignName": config["SMS_SIGN_NAME"], "TemplateCode": config["SMS_TEMPLATE_CODE"],
        "TemplateParam": json.dumps({"code": code}, separators=(",", ":")),
    }
    params["Signature"] = signature("POST", params, config["SMS_ACCESS_KEY_SECRET"])
    return params


def send_code(config, phone: str, code: str, now: datetime) -> str:
    """Send ``code`` to ``phone`` through the provider ``config`` names; the provider's BizId.
    Raises :class:`SmsNotSent` when the provider cannot be reached or says no."""
    if config.get("SMS_PROVIDER") != "aliyun":
        raise SmsNotSent(f"unknown SMS_PROVIDER {config.get('SMS_PROVIDER')!r}")
    body = canonical_query(send_sms_params(config, phone, code, now)).encode()
    request = urllib.request.Request(config["SMS_ENDPOINT"], data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        answer = _json_or_empty(e.read())
        raise SmsNotSent(f"HTTP {e.code}: {answer.get('Code')} {answer.get('Message')}") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise SmsNotSent(str(e)) from e
    if answer.get("Code") != "OK":
        raise SmsNotSent(f"{answer.get('Code')} {answer.get('Message')}")
    return str(answer.get("BizId", ""))


def _json_or_empty(data: bytes) -> dict:
    try:
        value = json.loads(data or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
