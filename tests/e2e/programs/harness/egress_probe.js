// adalint e2e harness self-test: tries to reach a non-Azure-AD host from Node with the
// preload active. Prints "refused: ..." and exits 0 when tests/e2e/preload.cjs refused the
// connection; prints "LEAK" and exits 1 otherwise.
'use strict';

const https = require('node:https');

(async () => {
  try {
    await fetch('https://example.com/', { signal: AbortSignal.timeout(10000) });
    console.log('LEAK fetch');
    process.exitCode = 1;
  } catch (e) {
    const msg = String((e.cause && e.cause.message) || e.message);
    console.log(msg.includes('adalint e2e preload: refusing') ? 'refused: fetch ' + msg : 'LEAK? fetch ' + msg);
    if (!msg.includes('adalint e2e preload: refusing')) process.exitCode = 1;
  }
  try {
    https.get('https://example.com/', () => {
      console.log('LEAK https.get');
      process.exitCode = 1;
    }).on('error', (e) => {
      console.log('LEAK? https.get ' + e.message);
      process.exitCode = 1;
    });
  } catch (e) {
    console.log('refused: https.get ' + e.message);
  }
})();
