# adalint e2e "before" program: msrestazure's service-principal credential (ADAL inside),
# read for its access token, as scripts that call a REST API with `requests` do.
# Production-shaped: every value from the environment.
import os

from msrestazure.azure_active_directory import ServicePrincipalCredentials


def get_token():
    credentials = ServicePrincipalCredentials(
        os.environ["AZURE_CLIENT_ID"],
        os.environ["AZURE_CLIENT_SECRET"],
        tenant=os.environ["AZURE_TENANT_ID"],
        resource=os.environ["AZURE_RESOURCE"],
    )
    return credentials.token["access_token"]


if __name__ == "__main__":
    print(get_token())
