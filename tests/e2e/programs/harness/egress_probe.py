# adalint e2e harness self-test: tries to reach a non-Azure-AD host through the routing the
# tests set up (HTTPS_PROXY/HTTP_PROXY to the fake's proxy). Prints "refused: ..." and exits 0
# when the proxy answered 403; prints "LEAK" and exits 1 if anything else came back.
import urllib.error
import urllib.request

for url in ("https://example.com/", "http://example.com/"):
    try:
        urllib.request.urlopen(url, timeout=10)
        print("LEAK " + url)
        raise SystemExit(1)
    except urllib.error.HTTPError as e:
        if e.code != 403:
            print("LEAK %s answered %d" % (url, e.code))
            raise SystemExit(1)
        print("refused: %s %d" % (url, e.code))
    except OSError as e:
        if "403" not in str(e):
            print("LEAK? %s: %s" % (url, e))
            raise SystemExit(1)
        print("refused: %s %s" % (url, e))
