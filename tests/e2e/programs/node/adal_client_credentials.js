// adalint e2e "before" program: a Node daemon that gets an app-only token with adal-node's
// client credentials flow (callback style). Production-shaped: real authority, values from the
// environment. Prints the token; on error prints it to stderr and exits non-zero.
'use strict';

const adal = require('adal-node');

const authority = 'https://login.microsoftonline.com/' + process.env.AZURE_TENANT_ID;
const context = new adal.AuthenticationContext(authority);

context.acquireTokenWithClientCredentials(
  process.env.AZURE_RESOURCE,
  process.env.AZURE_CLIENT_ID,
  process.env.AZURE_CLIENT_SECRET,
  function (err, tokenResponse) {
    if (err) {
      console.error('token request failed: ' + (err.stack || err));
      process.exitCode = 1;
      return;
    }
    console.log(tokenResponse.accessToken);
  }
);
