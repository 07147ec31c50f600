# adalint e2e "before" program: a session class that stores ADAL's token dict on `self` in
# one method and reads its keys in another; its context is created in `__init__` before the
# fields the call reads.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal


class ManagementSession:
    def __init__(self, tenant_id, client_id, client_secret):
        self.context = adal.AuthenticationContext("https://login.microsoftonline.com/" + tenant_id)
        self.client_id = client_id
        self.client_secret = client_secret
        self.token = None

    def login(self):
        self.token = self.context.acquire_token_with_client_credentials(
            os.environ["AZURE_RESOURCE"], self.client_id, self.client_secret
        )

    def authorization(self):
        if not self.token:
            self.login()
        return self.token["tokenType"] + " " + self.token["accessToken"]


if __name__ == "__main__":
    session = ManagementSession(
        os.environ["AZURE_TENANT_ID"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]
    )
    print(session.authorization().split(" ", 1)[1])
