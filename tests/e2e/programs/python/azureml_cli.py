"""Azure ML SDK v1 with the Azure CLI login (a developer's or a pipeline's `az login`).

Only the rewrite runs in the tests (azureml-core is not installed); the test puts a fake `az`
on PATH.
"""
from azureml.core.authentication import AzureCliAuthentication

cli_auth = AzureCliAuthentication()
print(cli_auth.get_token("https://management.azure.com/.default").token)
