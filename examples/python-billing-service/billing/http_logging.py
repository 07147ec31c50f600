"""Request/response logging for outgoing HTTP calls, with secrets redacted."""
import logging
import time

log = logging.getLogger("billing.http")

SENSITIVE_HEADERS = ("authorization", "x-functions-key", "ocp-apim-subscription-key")


def mask_authorization(value):
    # Bearer tokens from adal are JWTs and end up in support tickets when logged
    # whole; keep the scheme and the first characters so two tokens can still be told apart.
    scheme, _, adal_token = value.partition(" ")
    if not adal_token:
        return "***"
    return "%s %s...(%d chars)" % (scheme, adal_token[:10], len(adal_token))


def redact_headers(headers):
    redacted = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            redacted[name] = mask_authorization(value)
        elif name.lower() in SENSITIVE_HEADERS:
            redacted[name] = "***"
        else:
            redacted[name] = value
    return redacted


def install(session):
    """Attach a response hook to a requests.Session that logs every call."""

    def _log_response(response, *args, **kwargs):
        request = response.request
        elapsed_ms = response.elapsed.total_seconds() * 1000
        log.info("%s %s -> %s in %.0f ms", request.method, request.url,
                 response.status_code, elapsed_ms)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("request headers: %s", redact_headers(request.headers))
        if response.status_code == 401:
            log.warning("401 from %s: token rejected (audience or adal cache issue?)", request.url)
        return response

    session.hooks.setdefault("response", []).append(_log_response)
    session.started_at = time.time()
    return session
