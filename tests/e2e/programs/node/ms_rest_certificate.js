// adalint e2e "before" program: a Node job that signs in with @azure/ms-rest-nodeauth's
// certificate login (the path of a PEM file holding the private key and the certificate)
// and reads a token for a data-plane resource. Production-shaped: values from the
// environment. Prints the token; on error prints it to stderr and exits non-zero.
'use strict';

const msRestNodeAuth = require('@azure/ms-rest-nodeauth');

async function main() {
  const credentials = await msRestNodeAuth.loginWithServicePrincipalCertificate(
    process.env.AZURE_CLIENT_ID,
    process.env.AZURE_CLIENT_CERTIFICATE_PATH,
    process.env.AZURE_TENANT_ID,
    { tokenAudience: process.env.AZURE_RESOURCE }
  );
  const tokenResponse = await credentials.getToken();
  console.log(tokenResponse.accessToken);
}

main().catch((err) => {
  console.error('token request failed: ' + (err.stack || err));
  process.exitCode = 1;
});
