"""wechatpy's WeChatPay, with what it lacks: the response's signature checked, the CA per request, quiet logs.

wechatpy 1.8.18 raises on result_code FAIL but keeps the fields we need (recall, trade_state) only in the
response; it never checks a response's `sign`. This client returns every answer as a dict of strings, after
checking its signature with the API key: a response altered in transit raises ResponseRefused.
"""
from __future__ import annotations

import hmac
import logging
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict
from requests.adapters import HTTPAdapter
from wechatpy.pay import WeChatPay
from wechatpy.pay.utils import calculate_signature, calculate_signature_hmac

from sync.gateway.wechat_config import WechatCredentials
from terminal.errors import EdgeposError

# wechatpy logs the request body (the customer's payment code) and the string it signs (the API key) at DEBUG.
logging.getLogger("wechatpy").setLevel(logging.WARNING)

POOL_SIZE = 64
UNSIGNED_TEXT_PATHS = ("pay/downloadbill",)    # a bill is CSV text: WeChat does not sign it


class ResponseRefused(EdgeposError):
    """A response we cannot trust: not WeChat's XML, or its signature does not match the API key."""


def response_signature_ok(fields: dict[str, str], api_key: str, sign_type: str = "MD5") -> bool:
    """Whether `sign` matches the other non-empty fields signed with the API key (MD5 or HMAC-SHA256)."""
    given = fields.get("sign", "")
    rest = {k: v for k, v in fields.items() if k != "sign"}
    expected = calculate_signature_hmac(rest, api_key) if sign_type == "HMAC-SHA256" \
        else calculate_signature(rest, api_key)
    return bool(given) and hmac.compare_digest(str(given), str(expected))


def flat_fields(text: str) -> dict[str, str]:
    """WeChat's flat <xml> document as strings; ResponseRefused when it is not one."""
    try:
        parsed = xmltodict.parse(text)
    except (ExpatError, xmltodict.ParsingInterrupted) as err:
        raise ResponseRefused(f"not XML ({err})") from err
    data = parsed.get("xml") if isinstance(parsed, dict) else None
    if not isinstance(data, dict):
        raise ResponseRefused("not a WeChat <xml> document")
    if any(isinstance(v, dict | list) for v in data.values()):
        raise ResponseRefused("nested or repeated elements in a v2 answer")
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


class CheckedWeChatPay(WeChatPay):  # type: ignore[misc]  # wechatpy has no type hints
    """WeChatPay pointed at the credentials' base URL and CA, returning checked dicts instead of raising."""

    def __init__(self, creds: WechatCredentials, timeout_s: float) -> None:
        super().__init__(creds.appid, creds.api_key, creds.mch_id, mch_cert=str(creds.cert),
                         mch_key=str(creds.key), timeout=timeout_s)
        self.API_BASE_URL = creds.api_base_url
        # The gateway calls from many threads: keep more than requests' 10 pooled connections to WeChat.
        self._http.mount("https://", HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE))
        # Per request: a session's `verify` loses to REQUESTS_CA_BUNDLE in the environment.
        self._verify: str | bool = str(creds.ca_file) if creds.ca_file else True

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        kwargs.setdefault("verify", self._verify)
        return super()._request(method, url_or_endpoint, **kwargs)

    def _handle_result(self, res: Any) -> dict[str, str] | str:
        res.encoding = "utf-8"
        text = str(res.text)
        url = str(getattr(res.request, "url", "") or "")
        if url.endswith(UNSIGNED_TEXT_PATHS) and not text.lstrip().startswith("<xml"):
            return text
        fields = flat_fields(text)
        if fields.get("return_code") == "SUCCESS" and not response_signature_ok(fields, self.api_key):
            raise ResponseRefused("the response's signature does not match the API key")
        return fields
