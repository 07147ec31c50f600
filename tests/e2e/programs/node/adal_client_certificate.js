// adalint e2e "before" program: a Node daemon that gets an app-only token with adal-node's
// certificate flow (callback style). Production-shaped: real authority, values from the
// environment, the private key read from a PEM file. Prints the token; on error prints it to
// stderr and exits non-zero.
'use strict';

const fs = require('fs');
const adal = require('adal-node');

const authority = 'https://login.microsoftonline.com/' + process.env.AZURE_TENANT_ID;
const privateKey = fs.readFileSync(process.env.AZURE_CLIENT_CERTIFICATE_PATH, 'utf8');
const context = new adal.AuthenticationContext(authority);

context.acquireTokenWithClientCertificate(
  process.env.AZURE_RESOURCE,
  process.env.AZURE_CLIENT_ID,
  privateKey,
  process.env.AZURE_CLIENT_CERTIFICATE_THUMBPRINT,
  function (err, tokenResponse) {
    if (err) {
      console.error('token request failed: ' + (err.stack || err));
      process.exitCode = 1;
      return;
    }
    console.log(tokenResponse.accessToken);
  }
);
