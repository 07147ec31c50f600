import logging
import threading
from datetime import datetime, timedelta

import adal

from billing import settings

log = logging.getLogger(__name__)

# Renew a bit early so that requests already in flight don't hit a 401.
_RENEW_BEFORE = timedelta(minutes=5)


class ServicePrincipalTokenProvider(object):
    """Bearer tokens for the invoicing API, shared by all worker threads."""

    def __init__(self, client_id=None, client_secret=None, resource=None, authority=None):
        self.client_id = client_id or settings.CLIENT_ID
        self.client_secret = client_secret or settings.CLIENT_SECRET
        self.resource = resource or settings.INVOICING_API_RESOURCE
        self.context = adal.AuthenticationContext(authority or settings.AUTHORITY)
        self._lock = threading.Lock()
        self._access_token = None
        self._renew_at = datetime.min

    def _refresh(self):
        try:
            token = self.context.acquire_token_with_client_credentials(
                self.resource, self.client_id, self.client_secret)
        except adal.AdalError as exc:
            log.error("could not get a token for %s: %s", self.resource, exc.error_response)
            raise
        self._access_token = token["accessToken"]
        self._renew_at = datetime.now() + timedelta(seconds=token["expiresIn"]) - _RENEW_BEFORE
        log.debug("new token for %s, expires %s", self.resource, token["expiresOn"])

    def get_token(self):
        with self._lock:
            if self._access_token is None or datetime.now() >= self._renew_at:
                self._refresh()
            return self._access_token

    def auth_header(self):
        return {"Authorization": "Bearer " + self.get_token()}


_default_provider = None


def default_provider():
    global _default_provider
    if _default_provider is None:
        _default_provider = ServicePrincipalTokenProvider()
    return _default_provider
