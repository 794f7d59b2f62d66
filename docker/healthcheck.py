"""The web container's health check: GET /healthz on this container, 0 when it answers 200.

It sends the first of ALLOWED_HOSTS as the Host header: Django refuses a request for a
host it does not serve, and in production that list names the public host, not 127.0.0.1.
"""

import os
import sys
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip("*.")
request = urllib.request.Request(  # noqa: S310 - a fixed http URL on this container
    "http://127.0.0.1:8000/healthz", headers={"Host": host or "localhost"}
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
        sys.exit(0 if response.status == 200 else 1)
except OSError as exc:
    print(f"healthz: {exc}", file=sys.stderr)
    sys.exit(1)
