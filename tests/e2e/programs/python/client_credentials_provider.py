# adalint e2e "before" program: a token-provider class that creates its ADAL context on `self`
# in `__init__` and acquires app-only tokens with client credentials in a method.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal


class ManagementTokenProvider:
    """Hands out bearer tokens for the management API to the deployment scripts."""

    def __init__(self, tenant_id, client_id, client_secret, resource):
        self.client_id = client_id
        self.client_secret = client_secret
        self.resource = resource
        self.context = adal.AuthenticationContext("https://login.microsoftonline.com/" + tenant_id)

    def get_token(self):
        token = self.context.acquire_token_with_client_credentials(
            self.resource, self.client_id, self.client_secret
        )
        return token["accessToken"]

    def authorization_header(self):
        return {"Authorization": "Bearer " + self.get_token()}


if __name__ == "__main__":
    provider = ManagementTokenProvider(
        os.environ["AZURE_TENANT_ID"],
        os.environ["AZURE_CLIENT_ID"],
        os.environ["AZURE_CLIENT_SECRET"],
        os.environ["AZURE_RESOURCE"],
    )
    header = provider.authorization_header()
    print(header["Authorization"][len("Bearer "):])
