"""Smoke test of a running Qudao, as a user meets it: /healthz, the log-in page, a static file it
links, a log-in, and a logged-in page, all with HTTP 200.

    python scripts/smoke.py http://127.0.0.1:8000 [username] [password]

Production mode sits behind a TLS proxy, so every request says it came over HTTPS
(X-Forwarded-Proto) and the cookies are handled here, Secure flag or not. Standard library only.
Exits non-zero, saying what failed, at the first wrong answer."""

import http.client
import re
import sys
import urllib.parse
from http.cookies import SimpleCookie


class Session:
    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"https://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, https: bool = True):
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "zh-hans"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"{self.origin}{path}"
            headers["Origin"] = self.origin
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, content


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"smoke: FAILED: {what}")
    print(f"smoke: ok: {what}")


def main(base: str, username: str = "director", password: str = "Qudao@2026") -> None:
    session = Session(base)
    response, body = session.request("GET", "/healthz", https=False)
    check(response.status == 200 and b'"ok"' in body, f"GET /healthz -> {response.status}")

    response, body = session.request("GET", "/accounts/login/")
    page = body.decode()
    check(response.status == 200 and "csrfmiddlewaretoken" in page, "GET /accounts/login/ -> 200")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    static = re.search(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)
    check(static is not None, "the log-in page links a static file")
    response, body = session.request("GET", static[1])
    check(
        response.status == 200 and len(body) > 1000,
        f"GET {static[1]} -> {response.status}, {len(body)} bytes, "
        f"Cache-Control: {response.getheader('Cache-Control')}",
    )

    response, _ = session.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "identifier": username, "password": password},
    )
    check(response.status == 302, f"POST /accounts/login/ as {username} -> {response.status}")

    response, body = session.request("GET", "/")
    check(
        response.status == 200 and b"/accounts/logout/" in body,
        f"GET / logged in as {username} -> {response.status}",
    )
    response, body = session.request("GET", "/registrations/")
    check(response.status == 200, f"GET /registrations/ -> {response.status}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:])
