# adalint e2e "before" program: a client class that creates its ADAL context in `__init__`
# before the fields its calls read, and a private method that returns the token dict as it
# is made to the class's other methods, which read its keys.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal


class ManagementClient:
    def __init__(self, tenant_id, client_id, client_secret):
        self.context = adal.AuthenticationContext("https://login.microsoftonline.com/" + tenant_id)
        self.client_id = client_id
        self.client_secret = client_secret

    def _fetch_token(self):
        return self.context.acquire_token_with_client_credentials(
            os.environ["AZURE_RESOURCE"], self.client_id, self.client_secret
        )

    def headers(self):
        token = self._fetch_token()
        return {"Authorization": token["tokenType"] + " " + token["accessToken"]}


if __name__ == "__main__":
    client = ManagementClient(
        os.environ["AZURE_TENANT_ID"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]
    )
    print(client.headers()["Authorization"].split(" ", 1)[1])
