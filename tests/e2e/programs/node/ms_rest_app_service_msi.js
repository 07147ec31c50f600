// adalint e2e "before" program: a Node app on App Service that gets a managed-identity token
// with ms-rest-azure (the login awaited, getToken with a callback). Production-shaped: the
// endpoint and secret come from the platform's environment. Prints the token; on error prints
// it to stderr and exits non-zero.
'use strict';

const msRestAzure = require('ms-rest-azure');

async function main() {
  const credentials = await msRestAzure.loginWithAppServiceMSI({ resource: process.env.AZURE_RESOURCE });
  credentials.getToken((err, tokenResponse) => {
    if (err) {
      console.error('token request failed: ' + (err.stack || err));
      process.exitCode = 1;
      return;
    }
    console.log(tokenResponse.accessToken);
  });
}

main().catch((err) => {
  console.error('sign-in failed: ' + (err.stack || err));
  process.exitCode = 1;
});
