#!/usr/bin/env python3
"""A fake Microsoft identity platform for adalint's end-to-end tests (Python 3 stdlib only).

It lets the real ADAL / MSAL / Azure Identity client libraries run offline, unchanged, with
their production authority `https://login.microsoftonline.com/<tenant>`:

* a TLS server (v1 and v2 token endpoints, device code, OIDC metadata, instance discovery,
  user realm, authorize), certificate from a throwaway CA made here with the openssl CLI;
* a plain-HTTP proxy for HTTPS_PROXY / HTTP_PROXY that tunnels `CONNECT <aad-host>:443` and
  `CONNECT management.azure.com:443` to the TLS server and answers absolute-URI requests
  (adal-node/axios) for those hosts and the IMDS address itself. It never connects anywhere
  else: every other host is refused with 403;
* on management.azure.com (Azure Resource Manager), for a bearer token it issued for ARM, the
  one call azure-ai-ml's `MLClient.datastores.get_default()` makes: the workspace's datastores
  filtered with `isDefault=true`, answering with one AzureBlob datastore; any other ARM path 404s;
* a plain-HTTP managed-identity server (App Service IDENTITY_ENDPOINT, older MSI_ENDPOINT, IMDS).

Everything listens on 127.0.0.1 only. The process exits by itself after --lifetime seconds.
Once listening it writes --info (JSON: pid, ports, CA path, MSI secret). Every request is
appended to --log as one JSON line (kind, grant_type, scope or resource, client_id, SKU, the
tokens issued and the token's audience, the refresh token redeemed, a client assertion's
certificate thumbprint and whether it carried the certificate, ...).

Secrets, passwords, codes and refresh tokens starting with "wrong" are rejected the way the
real service does (invalid_client 401 / invalid_grant 400). So are non-GUID client ids and, for
v2 client credentials, scopes not ending in "/.default". A device code is approved on the first
poll and yields a token for what the code was requested for, to the client it was issued to.
"""
import argparse, base64, http.server, json, os, re, secrets, select, socket, socketserver
import ssl, subprocess, sys, threading, time, urllib.parse

AAD_HOSTS = {"login.microsoftonline.com", "login.windows.net", "login.microsoft.com",
             "sts.windows.net", "login.microsoftonline.us", "login.chinacloudapi.cn"}
ARM_HOSTS = {"management.azure.com"}  # Azure Resource Manager: a workspace and its default datastore
ARM_DATASTORES = re.compile(r"^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/"
                            r"Microsoft\.MachineLearningServices/workspaces/([^/]+)/datastores$", re.I)
DEFAULT_DATASTORE = "workspaceblobstore"
IMDS_HOST = "169.254.169.254"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
DEFAULT_TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
DEFAULT_USER = "user@contoso.com"
OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}
LOG_LOCK = threading.Lock()
DEVICE_CODES = {}  # device_code -> dict(client_id=..., scope=..., resource=...); approved on first poll
ARGS = None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt(claims):
    """An unsigned-looking JWT; no client library here verifies signatures."""
    head = b64url(json.dumps({"typ": "JWT", "alg": "RS256", "kid": "fake-e2e-key"}).encode())
    return head + "." + b64url(json.dumps(claims).encode()) + "." + b64url(b"fake-signature")


def jwt_claims(token):
    try:
        return json.loads(b64url_decode(token.split(".")[1]))
    except (IndexError, ValueError):
        return None


def jwt_header(token):
    try:
        return json.loads(b64url_decode(token.split(".")[0]))
    except (IndexError, ValueError):
        return None


def make_certs(state_dir):
    """Throwaway CA + server certificate (EC P-256) naming loopback, the Azure AD and ARM hosts."""
    ca_key, ca, key, csr, crt, ext = (os.path.join(state_dir, n) for n in
                                     ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem", "ext.cnf"))
    sans = ",".join(["IP:127.0.0.1", "DNS:localhost"] + ["DNS:" + h for h in sorted(AAD_HOSTS | ARM_HOSTS)])
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\n"
                "authorityKeyIdentifier=keyid,issuer\nsubjectAltName=" + sans + "\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True, timeout=60)
    run("req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=adalint e2e throwaway CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=login.microsoftonline.com")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", crt,
        "-days", "2", "-extfile", ext)
    return ca, crt, key


def log(entry):
    line = json.dumps(entry, sort_keys=True)
    with LOG_LOCK, open(ARGS.log, "a") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    """One handler class for the three servers; `self.server.role` says which one it serves."""
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are closed after this

    def log_message(self, *args):  # the JSON log replaces the stderr access log
        pass

    # ---- request plumbing -------------------------------------------------------------
    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_OPTIONS(self):  # CORS preflight of a single-page app's token request
        log({"ts": round(time.time(), 3), "server": self.server.role, "method": "OPTIONS", "kind": "preflight",
             "path": self.path, "status": 204})
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def dispatch(self):
        self.entry = {"ts": round(time.time(), 3), "server": self.server.role, "method": self.command,
                      "kind": "unknown"}
        length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        target = self.path
        host = (self.headers.get("Host") or "").lower()
        if target.lower().startswith(("http://", "https://")):  # absolute URI sent to the proxy
            url = urllib.parse.urlsplit(target)
            host, target = url.netloc.lower(), (url.path or "/") + ("?" + url.query if url.query else "")
        self.host = host
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host
        url = urllib.parse.urlsplit(target)
        self.path_only = url.path
        self.query = dict(urllib.parse.parse_qsl(url.query))
        ctype = self.headers.get("Content-Type") or ""
        self.form = dict(urllib.parse.parse_qsl(body)) if "json" not in ctype else {}
        self.entry.update(path=url.path, host=host, sku=self.sku())
        role = self.server.role
        if role == "proxy" and not self.path.lower().startswith(("http://", "https://")):
            return self.reply(400, {"error": "proxy_only", "error_description": "send absolute URIs or CONNECT"})
        if role == "proxy" and hostname == IMDS_HOST:
            return self.msi()
        if hostname in ARM_HOSTS and role != "msi":
            return self.arm()
        if role == "proxy" and hostname not in AAD_HOSTS:
            self.entry["kind"] = "refused"
            return self.reply(403, {"error": "refused", "error_description": "not an Azure AD host: " + host})
        if role == "msi":
            return self.msi()
        self.idp()

    def sku(self):
        for source in (self.headers, self.query, self.form):
            for k, v in source.items():
                if k.lower() == "x-client-sku":
                    return v
        return None

    def reply(self, status, payload, headers=()):
        data = json.dumps(payload).encode()
        self.entry["status"] = status
        if isinstance(payload, dict) and "error" in payload:
            err = payload["error"]  # Azure AD: a code; Azure Resource Manager: {"code", "message"}
            self.entry["error"] = err.get("code") if isinstance(err, dict) else err
        if isinstance(payload, dict) and "access_token" in payload:
            self.entry["access_token"] = payload["access_token"]
            self.entry["audience"] = (jwt_claims(payload["access_token"]) or {}).get("aud")
        if isinstance(payload, dict) and "refresh_token" in payload:
            self.entry["refresh_token"] = payload["refresh_token"]
        log(self.entry)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, aadsts, description):
        now = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())
        return self.reply(status, {"error": code, "error_description": "AADSTS%d: %s\r\nTimestamp: %s" % (
            aadsts, description, now), "error_codes": [aadsts], "timestamp": now,
            "trace_id": secrets.token_hex(8), "correlation_id": secrets.token_hex(8)})

    # ---- proxy CONNECT ----------------------------------------------------------------
    def do_CONNECT(self):
        host, _, port = self.path.lower().rpartition(":")
        entry = {"ts": round(time.time(), 3), "server": self.server.role, "method": "CONNECT",
                 "kind": "connect", "host": self.path.lower(), "path": None, "sku": None}
        if self.server.role != "proxy" or host not in AAD_HOSTS | ARM_HOSTS or port != "443":
            entry.update(kind="refused", status=403)
            log(entry)
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.close_connection = True
            return
        upstream = socket.create_connection(("127.0.0.1", ARGS.ports["tls_port"]), timeout=10)
        entry["status"] = 200
        log(entry)
        self.wfile.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        self.wfile.flush()
        self.close_connection = True
        socks, deadline = [self.connection, upstream], time.time() + 120
        try:
            while time.time() < deadline:
                ready, _, _ = select.select(socks, [], [], 30)
                if not ready:
                    break
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (upstream if s is self.connection else self.connection).sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()

    # ---- identity platform ------------------------------------------------------------
    def idp(self):
        parts = [p for p in self.path_only.split("/") if p]
        low = [p.lower() for p in parts]
        tenant = parts[0] if parts else ""
        rest = "/".join(low[1:])
        if self.command == "POST" and rest in ("oauth2/token", "oauth2/v2.0/token"):
            return self.token(tenant, "v2" if "v2.0" in rest else "v1")
        if self.command == "POST" and rest in ("oauth2/devicecode", "oauth2/v2.0/devicecode"):
            return self.devicecode("v2" if "v2.0" in rest else "v1")
        if rest in ("oauth2/authorize", "oauth2/v2.0/authorize"):
            return self.authorize()
        if rest in ("v2.0/.well-known/openid-configuration", ".well-known/openid-configuration"):
            return self.oidc(tenant, "v2" if rest.startswith("v2.0") else "v1")
        if low[:3] == ["common", "discovery", "instance"]:
            return self.discovery()
        if low[:2] == ["common", "userrealm"] and len(parts) == 3:
            self.entry.update(kind="userrealm", username=urllib.parse.unquote(parts[2]))
            return self.reply(200, {"ver": "1.0", "account_type": "Managed", "domain_name": "contoso.com",
                                    "cloud_instance_name": "microsoftonline.com",
                                    "cloud_audience_urn": "urn:federation:MicrosoftOnline"})
        if rest in ("discovery/keys", "discovery/v2.0/keys"):
            self.entry["kind"] = "jwks"
            return self.reply(200, {"keys": []})
        self.reply(404, {"error": "not_found", "error_description": "fake_idp has no " + self.path_only})

    def base(self):
        return "https://" + self.host

    def oidc(self, tenant, ver):
        self.entry.update(kind="oidc", tenant=tenant, version=ver)
        b = self.base() + "/" + tenant
        v2 = "/v2.0" if ver == "v2" else ""
        self.reply(200, {
            "issuer": b + "/v2.0" if ver == "v2" else b + "/",
            "authorization_endpoint": b + "/oauth2" + v2 + "/authorize",
            "token_endpoint": b + "/oauth2" + v2 + "/token",
            "device_authorization_endpoint": b + "/oauth2" + v2 + "/devicecode",
            "end_session_endpoint": b + "/oauth2" + v2 + "/logout",
            "jwks_uri": b + "/discovery" + v2 + "/keys",
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "tid", "oid", "preferred_username"],
            "request_uri_parameter_supported": False, "tenant_region_scope": "WW",
            "cloud_instance_name": "microsoftonline.com", "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com", "rbac_url": "https://pas.windows.net"})

    def discovery(self):
        api = self.query.get("api-version", "")
        endpoint = self.query.get("authorization_endpoint", "")
        self.entry.update(kind="discovery", api_version=api, authorization_endpoint=endpoint)
        ep = urllib.parse.urlsplit(endpoint)
        tenant = next((p for p in ep.path.split("/") if p), "common")
        host = ep.netloc or self.host
        tde = "https://%s/%s%s/.well-known/openid-configuration" % (host, tenant, "/v2.0" if "/v2.0/" in ep.path else "")
        self.reply(200, {"tenant_discovery_endpoint": tde, "api-version": api or "1.1", "metadata": [
            {"preferred_network": "login.microsoftonline.com", "preferred_cache": "login.windows.net",
             "aliases": ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"]},
            {"preferred_network": "login.microsoftonline.us", "preferred_cache": "login.microsoftonline.us",
             "aliases": ["login.microsoftonline.us", "login.usgovcloudapi.net"]},
            {"preferred_network": "login.chinacloudapi.cn", "preferred_cache": "login.chinacloudapi.cn",
             "aliases": ["login.chinacloudapi.cn", "login.partner.microsoftonline.cn"]}]})

    def authorize(self):
        """Auto-consent: redirect straight back, as the real service does for a signed-in user.

        A code flow (`response_type=code`, MSAL) gets a code that carries the nonce and login
        hint, in the query or, with `response_mode=fragment` (MSAL.js), the fragment, with the
        `client_info` MSAL.js reads. ADAL.js' implicit flow (`id_token` to sign in, `token` in a
        hidden frame for a resource) gets the tokens themselves in the fragment."""
        q = self.query
        response_type = q.get("response_type", "code")
        self.entry.update(kind="authorize", client_id=q.get("client_id"), scope=q.get("scope"),
                          resource=q.get("resource"), response_type=response_type,
                          response_mode=q.get("response_mode"), prompt=q.get("prompt"),
                          pkce=q.get("code_challenge_method"))
        tenant = next((p for p in self.path_only.split("/") if p), "common")
        state = {"state": q["state"]} if "state" in q else {}
        redirect = q.get("redirect_uri", "http://localhost")
        if response_type == "code":
            code = "fake-code." + b64url(json.dumps({"nonce": q.get("nonce"), "user": q.get("login_hint")}).encode())
            tid = tenant if GUID.match(tenant) else DEFAULT_TID
            params = {"code": code, **state}
            if q.get("response_mode") == "fragment":
                params["client_info"] = b64url(json.dumps({"uid": "00000000-0000-0000-66f3-3332eca7ea81",
                                                            "utid": tid}).encode())
            sep = "#" if q.get("response_mode") == "fragment" else "?"
        else:  # the implicit flow: tokens in the fragment
            self.form = {}
            scopes = (q.get("scope") or "").split()
            issued = self.issue(tenant, "v1", q.get("client_id"), q.get("login_hint") or DEFAULT_USER,
                                q.get("nonce"), scopes, q.get("resource"))
            params = dict(state)
            if "id_token" in response_type.split():
                params["id_token"] = issued["id_token"]
            if "token" in response_type.split():
                params.update(access_token=issued["access_token"], token_type="Bearer", expires_in="3599")
                self.entry["access_token"] = issued["access_token"]
                self.entry["audience"] = q.get("resource")
            params["session_state"] = "fake-session"
            sep = "#"
        location = redirect + sep + urllib.parse.urlencode(params)
        self.entry["status"] = 302
        log(self.entry)
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def devicecode(self, ver):
        f = self.form
        self.entry.update(kind="devicecode", version=ver, client_id=f.get("client_id"), scope=f.get("scope"),
                          resource=f.get("resource"))
        code, user_code = "fake-dc." + secrets.token_urlsafe(16), secrets.token_hex(4).upper()
        DEVICE_CODES[code] = {"client_id": f.get("client_id"), "scope": f.get("scope"), "resource": f.get("resource")}
        msg = "To sign in, use a web browser to open the page https://microsoft.com/devicelogin " \
              "and enter the code %s to authenticate." % user_code
        if ver == "v1":
            return self.reply(200, {"user_code": user_code, "device_code": code, "verification_url":
                                    "https://microsoft.com/devicelogin", "expires_in": "900", "interval": "1",
                                    "message": msg})
        self.reply(200, {"user_code": user_code, "device_code": code, "verification_uri":
                         "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 1, "message": msg})

    def client_auth(self):
        f, auth = self.form, self.headers.get("Authorization") or ""
        if auth.lower().startswith("basic "):
            try:
                cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                return urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret), "basic"
            except ValueError:
                return None, None, "basic-malformed"
        if f.get("client_assertion"):
            claims = jwt_claims(f["client_assertion"]) or {}
            header = jwt_header(f["client_assertion"]) or {}
            # Which certificate signed it: the SHA-1 (x5t) or SHA-256 (x5t#S256) thumbprint in hex,
            # and whether the certificate itself was sent (x5c, subject-name/issuer authentication).
            for name, field in (("x5t", "assertion_x5t"), ("x5t#S256", "assertion_x5t_s256")):
                if isinstance(header.get(name), str):
                    try:
                        self.entry[field] = b64url_decode(header[name]).hex()
                    except ValueError:
                        self.entry[field] = "malformed"
            self.entry["assertion_x5c"] = bool(header.get("x5c"))
            cid = f.get("client_id") or claims.get("sub")
            ok = claims.get("iss") == claims.get("sub") == cid and claims.get("exp", 0) > time.time()
            return cid, "assertion" if ok else "wrong-assertion", "assertion"
        if "client_secret" in f:
            return f.get("client_id"), f["client_secret"], "secret"
        return f.get("client_id"), None, "none"

    def token(self, tenant, ver):
        f = self.form
        grant = f.get("grant_type", "")
        cid, secret, auth = self.client_auth()
        scopes = f.get("scope", "").split()
        self.entry.update(kind=ver + "-token", tenant=tenant, grant_type=grant, client_id=cid, client_auth=auth,
                          scope=f.get("scope"), resource=f.get("resource"))
        if not cid:
            return self.error(400, "invalid_request", 900144, "The request body must contain: 'client_id'.")
        if not GUID.match(cid):
            return self.error(400, "unauthorized_client", 700016, "Application with identifier '%s' was not "
                              "found in the directory '%s'." % (cid, tenant))
        if secret is not None and secret.startswith("wrong"):
            return self.error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                              "being sent in the request is the client secret value, not the client secret ID.")
        if ver == "v1" and not f.get("resource") and grant != "refresh_token":
            return self.error(400, "invalid_resource", 50001, "The resource principal was not found.")
        user, nonce, resource = None, f.get("nonce"), f.get("resource")
        if grant == "client_credentials":
            if secret is None:
                return self.error(401, "invalid_client", 7000218, "The request body must contain the following "
                                  "parameter: 'client_assertion' or 'client_secret'.")
            if ver == "v2" and (len(scopes) != 1 or not scopes[0].endswith("/.default")):
                return self.error(400, "invalid_scope", 1002012, "The provided value for scope %s is not valid. "
                                  "Client credential flows must have a scope value with /.default suffixed to "
                                  "the resource identifier (application ID URI)." % f.get("scope"))
        elif grant == "password":
            user = f.get("username") or DEFAULT_USER
            self.entry["username"] = user
            if f.get("password", "").startswith("wrong"):
                return self.error(400, "invalid_grant", 50126, "Error validating credentials due to invalid "
                                  "username or password.")
        elif grant in ("refresh_token", "authorization_code"):
            value = f.get("refresh_token" if grant == "refresh_token" else "code", "")
            if grant == "refresh_token":
                self.entry["redeemed_refresh_token"] = value
            if not value or value.startswith("wrong"):
                return self.error(400, "invalid_grant", 70000 if grant == "authorization_code" else 70008,
                                  "The provided authorization code or refresh token is invalid or has expired.")
            if value.startswith(("fake-rt.", "fake-code.")):
                try:
                    carried = json.loads(b64url_decode(value.split(".", 1)[1]))
                    user, nonce = carried.get("user"), nonce or carried.get("nonce")
                except ValueError:
                    pass
            user = user or DEFAULT_USER
        elif grant in ("urn:ietf:params:oauth:grant-type:device_code", "device_code"):
            code = f.get("device_code") or f.get("code", "")
            pending = DEVICE_CODES.pop(code, None)
            if pending is None:
                return self.error(400, "expired_token", 70020, "The provided value for the input parameter "
                                  "'device_code' is not valid.")
            if pending["client_id"] != cid:
                return self.error(400, "invalid_grant", 70000, "The device code was issued to another client.")
            # Like the real service, the token is for what the device code was requested for.
            scopes = (pending["scope"] or "").split() or scopes
            resource = pending["resource"] or resource
            user = DEFAULT_USER
        else:
            return self.error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant "
                              "type '%s'." % grant)
        self.reply(200, self.issue(tenant, ver, cid, user, nonce, scopes, resource))

    def issue(self, tenant, ver, cid, user, nonce, scopes, resource=None):
        now, tid = int(time.time()), tenant if GUID.match(tenant) else DEFAULT_TID
        oid = "00000000-0000-0000-66f3-3332eca7ea81"
        api = [s for s in scopes if s.lower() not in OIDC_SCOPES]
        resource = resource or (api[0].rsplit("/", 1)[0] if api and "/" in api[0] else
                                (api[0] if api else "00000003-0000-0000-c000-000000000000"))
        at = {"aud": resource, "iss": "https://sts.windows.net/%s/" % tid, "iat": now, "nbf": now, "exp": now + 3599,
              "appid": cid, "tid": tid, "ver": "1.0" if ver == "v1" else "2.0", "jti": secrets.token_hex(8)}
        if user:
            at.update(upn=user, oid=oid, scp="user_impersonation")
        else:
            at.update(oid=oid, sub=oid, roles=[])
        out = {"token_type": "Bearer", "access_token": jwt(at)}
        if ver == "v1":
            out.update(expires_in="3599", ext_expires_in="3599", expires_on=str(now + 3599), not_before=str(now),
                       resource=resource)
        else:
            out.update(expires_in=3599, ext_expires_in=3599, scope=" ".join(api) if api else " ".join(scopes))
        if user:
            idt = {"aud": cid, "iat": now, "nbf": now, "exp": now + 3600, "oid": oid, "sub": "fake-sub-" + oid[-8:],
                   "tid": tid, "name": "Test User", "ver": "1.0" if ver == "v1" else "2.0"}
            if ver == "v1":
                idt.update(iss="https://sts.windows.net/%s/" % tid, upn=user, unique_name=user,
                           given_name="Test", family_name="User")
            else:
                idt.update(iss="%s/%s/v2.0" % (self.base(), tid), preferred_username=user)
            if nonce:
                idt["nonce"] = nonce
            out["id_token"] = jwt(idt)
            out["refresh_token"] = "fake-rt." + b64url(json.dumps({"user": user, "n": secrets.token_hex(6)}).encode())
            if ver == "v1":
                out["scope"] = "user_impersonation"
            if self.form.get("client_info") == "1":
                out["client_info"] = b64url(json.dumps({"uid": oid, "utid": tid}).encode())
        return out

    # ---- Azure Resource Manager ------------------------------------------------------
    def arm(self):
        """An Azure ML workspace and its default datastore, for a bearer token issued here for ARM."""
        self.entry.update(kind="arm", query=self.query, authorization=self.headers.get("Authorization"))
        auth = self.headers.get("Authorization") or ""
        claims = jwt_claims(auth[len("Bearer "):]) if auth.startswith("Bearer ") else None
        if not claims or claims.get("aud", "").rstrip("/") != "https://management.azure.com":
            return self.reply(401, {"error": {"code": "InvalidAuthenticationToken",
                                              "message": "The access token is missing or invalid."}})
        m = ARM_DATASTORES.match(self.path_only)
        if self.command == "GET" and m and self.query.get("isDefault") == "true":
            return self.default_datastore(*m.groups())
        self.reply(404, {"error": {"code": "NotFound", "message": "fake ARM has no " + self.path_only}})

    def default_datastore(self, subscription, group, workspace):
        """The datastores list filtered to the default one: the blob store every workspace gets."""
        self.entry.update(kind="arm-default-datastore", subscription=subscription, resource_group=group,
                          workspace=workspace)
        scope = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s" % (
            subscription, group, workspace)
        self.reply(200, {"value": [{
            "id": scope + "/datastores/" + DEFAULT_DATASTORE,
            "name": DEFAULT_DATASTORE,
            "type": "Microsoft.MachineLearningServices/workspaces/datastores",
            "properties": {"datastoreType": "AzureBlob", "isDefault": True,
                           "accountName": workspace.replace("-", "") + "storage",
                           "containerName": "azureml-blobstore-" + DEFAULT_TID, "endpoint": "core.windows.net",
                           "protocol": "https", "serviceDataAccessAuthIdentity": "None",
                           "credentials": {"credentialsType": "AccountKey"}, "description": None, "tags": {}}}]})

    # ---- managed identity -------------------------------------------------------------
    def msi(self):
        q, now = {**self.query, **self.form}, int(time.time())
        resource, path = q.get("resource"), self.path_only.lower().rstrip("/")
        self.entry.update(resource=resource, client_id=q.get("client_id"), api_version=q.get("api-version"))
        if path == "/metadata/identity/oauth2/token":
            self.entry["kind"] = "msi-imds"
            if (self.headers.get("Metadata") or "").lower() != "true":
                return self.reply(400, {"error": "invalid_request", "error_description":
                                        "Required metadata header not specified"})
        elif path == "/msi/token" and self.headers.get("X-IDENTITY-HEADER") is not None:
            self.entry["kind"] = "msi-appservice"
            if self.headers["X-IDENTITY-HEADER"] != ARGS.ports["msi_secret"]:
                return self.reply(401, {"error": "unauthorized", "error_description": "bad X-IDENTITY-HEADER"})
        elif path == "/msi/token":
            self.entry["kind"] = "msi-legacy"
            if self.headers.get("secret") != ARGS.ports["msi_secret"]:
                return self.reply(401, {"error": "unauthorized", "error_description": "bad or missing secret"})
        else:
            return self.reply(404, {"error": "not_found", "error_description": "fake_idp has no " + self.path_only})
        if not resource:
            return self.reply(400, {"error": "invalid_request", "error_description": "resource is required"})
        cid = q.get("client_id") or "8f6b2e1d-0000-4000-8000-000000000001"
        at = jwt({"aud": resource, "iss": "https://sts.windows.net/%s/" % DEFAULT_TID, "iat": now,
                  "exp": now + 86399, "appid": cid, "tid": DEFAULT_TID, "xms_mirid": "/subscriptions/fake"})
        self.reply(200, {"access_token": at, "client_id": cid, "expires_in": "86399", "expires_on": str(now + 86399),
                         "ext_expires_in": "86399", "not_before": str(now), "resource": resource,
                         "token_type": "Bearer"})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, role, tls=None):
        self.role, self.tls = role, tls
        super().__init__(("127.0.0.1", 0), Handler)

    def finish_request(self, request, client_address):
        if self.tls is not None:  # TLS handshake in the worker thread, bounded by a timeout
            request.settimeout(30)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                return
        super().finish_request(request, client_address)


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--state-dir", required=True, help="where the CA and certificates are written")
    p.add_argument("--log", required=True, help="JSON-lines request log")
    p.add_argument("--info", required=True, help="JSON file written once listening: pid, ports, CA")
    p.add_argument("--lifetime", type=float, default=300, help="seconds before the process exits by itself")
    ARGS = p.parse_args()
    ARGS.state_dir, ARGS.log, ARGS.info = (os.path.abspath(p) for p in (ARGS.state_dir, ARGS.log, ARGS.info))
    ca, crt, key = make_certs(ARGS.state_dir)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    servers = {"tls_port": Server("idp", ctx), "proxy_port": Server("proxy"), "msi_port": Server("msi")}
    ARGS.ports = {name: s.server_address[1] for name, s in servers.items()}
    ARGS.ports["msi_secret"] = secrets.token_hex(16)
    for s in servers.values():
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    open(ARGS.log, "a").close()
    info = {"pid": os.getpid(), "ca": ca, "log": ARGS.log, "deadline": time.time() + ARGS.lifetime, **ARGS.ports}
    tmp = ARGS.info + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f)
    os.replace(tmp, ARGS.info)
    time.sleep(max(ARGS.lifetime, 0))
    sys.stderr.write("fake_idp: lifetime of %.0fs over, exiting\n" % ARGS.lifetime)
    os._exit(0)


if __name__ == "__main__":
    main()
