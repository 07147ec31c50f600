#!/usr/bin/env python3
"""The web server of the browser end-to-end test (Python 3 stdlib only).

Serves a built single-page app from --root on 127.0.0.1 and a protected fake API,
`GET /api/orders`: a request with a bearer token (any JWT; its claims are read, not its
signature) gets the orders, one without gets 401. Every API request is appended to --log as
one JSON line with the token's claims, so the test can tell an ADAL (v1) token from an MSAL
(v2) one. Once listening it writes --info (JSON: pid, port). Exits after --lifetime seconds.
"""
import argparse, base64, http.server, json, os, socketserver, sys, threading, time


def claims_of(token):
    try:
        part = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        return None


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=ARGS.root, **kwargs)

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith("/api/"):
            if path != "/" and not os.path.exists(os.path.join(ARGS.root, path.lstrip("/"))):
                self.path = "/"  # the app's own routes (and its redirect URI) serve the page
            return super().do_GET()
        auth = self.headers.get("Authorization") or ""
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        claims = claims_of(token) if token else None
        with open(ARGS.log, "a") as f:
            f.write(json.dumps({"path": path, "claims": claims}) + "\n")
        status, body = (200, [{"id": 1, "name": "fake order"}]) if claims else (401, {"error": "no token"})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--info", required=True)
    p.add_argument("--lifetime", type=float, default=300)
    ARGS = p.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    open(ARGS.log, "a").close()
    tmp = ARGS.info + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"pid": os.getpid(), "port": server.server_address[1]}, f)
    os.replace(tmp, ARGS.info)
    time.sleep(max(ARGS.lifetime, 0))
    sys.stderr.write("app_server: lifetime over, exiting\n")
    os._exit(0)


if __name__ == "__main__":
    main()
