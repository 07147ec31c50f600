// adalint e2e "before" program: a Node tool that signs a user in with adal-node's
// username/password flow (callback style). Production-shaped: real authority, values from the
// environment. Prints the token; on error prints it to stderr and exits non-zero.
'use strict';

const { AuthenticationContext } = require('adal-node');

const context = new AuthenticationContext('https://login.microsoftonline.com/' + process.env.AZURE_TENANT_ID);

context.acquireTokenWithUsernamePassword(
  process.env.AZURE_RESOURCE,
  process.env.AZURE_USERNAME,
  process.env.AZURE_PASSWORD,
  process.env.AZURE_CLIENT_ID,
  (err, tokenResponse) => {
    if (err) {
      console.error('sign-in failed: ' + (err.stack || err));
      process.exitCode = 1;
      return;
    }
    console.log(tokenResponse.accessToken);
  }
);
