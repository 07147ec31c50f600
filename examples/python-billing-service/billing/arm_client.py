"""Minimal Azure Resource Manager client for the Consumption API."""
import logging

import requests

from billing import settings

log = logging.getLogger(__name__)

ARM_URL = "https://management.azure.com"
CONSUMPTION_API_VERSION = "2019-10-01"
RESOURCES_API_VERSION = "2019-08-01"


def get_arm_token(client_id, secret, tenant=settings.TENANT_ID):
    from adal import AuthenticationContext

    context = AuthenticationContext("https://login.microsoftonline.com/" + tenant)
    token = context.acquire_token_with_client_credentials(
        "https://management.core.windows.net/", client_id, secret)
    return token["accessToken"]


class ArmClient(object):
    def __init__(self, subscription_id, token_getter=None, session=None):
        self.subscription_id = subscription_id
        self._token_getter = token_getter or (
            lambda: get_arm_token(settings.CLIENT_ID, settings.CLIENT_SECRET))
        self.session = session or requests.Session()

    def _get_paged(self, url, params=None):
        while url:
            headers = {"Authorization": "Bearer " + self._token_getter()}
            resp = self.session.get(url, params=params, headers=headers,
                                    timeout=settings.REQUEST_TIMEOUT)
            if resp.status_code == 429:
                log.warning("throttled by ARM, retry-after=%s", resp.headers.get("Retry-After"))
            resp.raise_for_status()
            body = resp.json()
            for item in body.get("value", []):
                yield item
            # nextLink already carries the api-version and skiptoken
            url, params = body.get("nextLink"), None

    def resource_groups(self):
        url = "%s/subscriptions/%s/resourcegroups" % (ARM_URL, self.subscription_id)
        return [rg["name"] for rg in self._get_paged(url, {"api-version": RESOURCES_API_VERSION})]

    def usage_details(self, start, end):
        url = "%s/subscriptions/%s/providers/Microsoft.Consumption/usageDetails" % (
            ARM_URL, self.subscription_id)
        params = {
            "api-version": CONSUMPTION_API_VERSION,
            "$filter": "properties/usageStart ge '%s' and properties/usageEnd le '%s'" % (
                start.isoformat(), end.isoformat()),
        }
        return list(self._get_paged(url, params))
