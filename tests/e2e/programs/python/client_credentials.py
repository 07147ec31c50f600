# adalint e2e "before" program: a daemon that gets an app-only token with ADAL's client
# credentials flow. Production-shaped: real authority, every value from the environment.
# The e2e test runs it as is, then runs `adalint --fix --unsafe-fixes` on a copy and runs that.
import os
import adal

def get_token():
    authority = "https://login.microsoftonline.com/" + os.environ["AZURE_TENANT_ID"]
    context = adal.AuthenticationContext(authority)
    token = context.acquire_token_with_client_credentials(
        os.environ["AZURE_RESOURCE"], os.environ["AZURE_CLIENT_ID"], os.environ["AZURE_CLIENT_SECRET"]
    )
    return token["accessToken"]

if __name__ == "__main__":
    print(get_token())
