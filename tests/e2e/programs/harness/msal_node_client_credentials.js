// adalint e2e harness self-test (hand-written, NOT a rewrite result): proves that an
// @azure/msal-node program, whose fetch ignores HTTPS_PROXY on Node 20, is routed to the fake
// identity platform by tests/e2e/preload.cjs and reaches the v2 token endpoint.
'use strict';

const msal = require('@azure/msal-node');

const app = new msal.ConfidentialClientApplication({
  auth: {
    clientId: process.env.AZURE_CLIENT_ID,
    authority: 'https://login.microsoftonline.com/' + process.env.AZURE_TENANT_ID,
    clientSecret: process.env.AZURE_CLIENT_SECRET,
  },
});

app.acquireTokenByClientCredential({ scopes: [process.env.AZURE_RESOURCE + '/.default'] }).then(
  (result) => console.log(result.accessToken),
  (error) => {
    console.error('token request failed: ' + error);
    process.exitCode = 1;
  }
);
