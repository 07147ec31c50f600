// Node `--require` preload for adalint's end-to-end tests.
//
// Routes a Node program to the fake identity platform (tests/e2e/fake_idp.py) without changing
// the program: @azure/msal-node on Node 20 uses the built-in fetch, which ignores HTTPS_PROXY, so
// the only program-neutral route is to wrap `tls.connect` (used by fetch/undici, https.Agent and
// axios alike). A TLS connection to an Azure AD host name goes to 127.0.0.1:ADALINT_E2E_TLS_PORT
// instead; the TLS `servername` stays the real host, so certificate checks still happen against
// the name (the fake's certificate names it, its CA comes from NODE_EXTRA_CA_CERTS).
// Plain connections to the IMDS address 169.254.169.254 go to 127.0.0.1:ADALINT_E2E_MSI_PORT.
//
// Safety net: any other connection that is not to a loopback address throws, so a test can
// never reach the network through Node. TLS over an existing socket (HTTPS_PROXY tunnels) is
// passed through untouched: its socket already goes to the loopback proxy.
'use strict';

const net = require('node:net');
const tls = require('node:tls');

const AAD_HOSTS = new Set([
  'login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net',
  'login.microsoftonline.us', 'login.chinacloudapi.cn',
]);
const IMDS_HOST = '169.254.169.254';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const tlsPort = Number(process.env.ADALINT_E2E_TLS_PORT);
const msiPort = Number(process.env.ADALINT_E2E_MSI_PORT);
if (!tlsPort) {
  throw new Error('adalint e2e preload: ADALINT_E2E_TLS_PORT is not set');
}

// Turn every documented call form into [options, callback]; null options means "a path".
function normalize(args) {
  const rest = [...args];
  const cb = typeof rest[rest.length - 1] === 'function' ? rest.pop() : undefined;
  const [first, second, third] = rest;
  if (first !== null && typeof first === 'object') {
    return [{ ...first }, cb];
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const extra = [second, third].find((a) => a !== null && typeof a === 'object') || {};
    const opts = { ...extra, port: Number(first) };
    if (typeof second === 'string') {
      opts.host = second;
    }
    return [opts, cb];
  }
  return [null, cb]; // unix socket path or something else: leave alone
}

function refuse(host) {
  throw new Error(`adalint e2e preload: refusing a connection to ${host}; tests may only reach loopback`);
}

function wrap(module, name, route) {
  const original = module[name];
  module[name] = function wrappedConnect(...args) {
    const [opts, cb] = normalize(args);
    if (opts === null || opts.socket || opts.path) {
      return original.apply(this, args);
    }
    route(opts);
    return cb ? original.call(this, opts, cb) : original.call(this, opts);
  };
}

wrap(tls, 'connect', (opts) => {
  const host = String(opts.host || opts.servername || 'localhost').toLowerCase();
  if (AAD_HOSTS.has(host)) {
    opts.servername = opts.servername || host;
    opts.host = '127.0.0.1';
    opts.port = tlsPort;
  } else if (!LOOPBACK.has(host)) {
    refuse(host);
  }
});

function routePlain(opts) {
  const host = String(opts.host || 'localhost').toLowerCase();
  if (host === IMDS_HOST && msiPort) {
    opts.host = '127.0.0.1';
    opts.port = msiPort;
  } else if (!LOOPBACK.has(host)) {
    refuse(host);
  }
}
// net.connect and net.createConnection are separate properties that may be called either way.
wrap(net, 'connect', routePlain);
wrap(net, 'createConnection', routePlain);
