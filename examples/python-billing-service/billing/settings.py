"""Runtime configuration, read once from the environment at import time."""
import os


def _env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError("environment variable %s is not set" % name)
    return value


TENANT_ID = _env("BILLING_TENANT_ID", "contoso.onmicrosoft.com")
AUTHORITY_HOST = _env("BILLING_AUTHORITY_HOST", "https://login.microsoftonline.com")
AUTHORITY = "%s/%s" % (AUTHORITY_HOST.rstrip("/"), TENANT_ID)

# Service principal used by the API workers and the nightly usage import.
CLIENT_ID = _env("BILLING_CLIENT_ID", "")
CLIENT_SECRET = _env("BILLING_CLIENT_SECRET", "")

# App registration of the downstream invoicing API (v1 resource id).
INVOICING_API_RESOURCE = _env("INVOICING_API_RESOURCE", "https://invoicing.contoso.com")
INVOICING_API_URL = _env("INVOICING_API_URL", "https://invoicing.contoso.com/api/v2")

SUBSCRIPTION_IDS = [s for s in _env("BILLING_SUBSCRIPTION_IDS", "").split(",") if s]
DEFAULT_CURRENCY = _env("BILLING_CURRENCY", "EUR")
REQUEST_TIMEOUT = float(_env("BILLING_REQUEST_TIMEOUT", "30"))
LOG_LEVEL = _env("BILLING_LOG_LEVEL", "INFO")
