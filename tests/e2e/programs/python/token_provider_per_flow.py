# adalint e2e "before" program: a token-provider class whose one ADAL context, created in
# `__init__`, serves an app-only flow (client credentials) and a user flow (username and
# password). The app-only token is asked for twice, as a service that builds a header per
# request does.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal


class TokenProvider:
    def __init__(self, tenant_id, client_id, client_secret):
        self.client_id = client_id
        self.client_secret = client_secret
        self.context = adal.AuthenticationContext("https://login.microsoftonline.com/" + tenant_id)

    def app_token(self, resource):
        token = self.context.acquire_token_with_client_credentials(
            resource, self.client_id, self.client_secret
        )
        return token["accessToken"]

    def user_token(self, resource, username, password):
        token = self.context.acquire_token_with_username_password(
            resource, username, password, self.client_id
        )
        return token["accessToken"]


if __name__ == "__main__":
    provider = TokenProvider(
        os.environ["AZURE_TENANT_ID"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]
    )
    resource = os.environ["AZURE_RESOURCE"]
    first = provider.app_token(resource)
    second = provider.app_token(resource)
    user = provider.user_token(resource, os.environ["AZURE_USERNAME"], os.environ["AZURE_PASSWORD"])
    print(first)
    print(second)
    print(user)
