"""Screenshots of the product on the demo data, for the docs: each role's home page, a partner's
360 page, a stage-gate approval, the performance dashboard and a partner user's registration list
on a phone — in Chinese and in English.

    .venv/bin/python scripts/screenshots.py --out docs/screenshots
        starts its own server on a scratch SQLite database loaded with the demo data
    .venv/bin/python scripts/screenshots.py --out docs/screenshots --url http://127.0.0.1:8000
        photographs a running server that has the demo data (`make run`)

Desktop shots are the 1,280×800 viewport, phone shots 390×844 (the top of the page, as a person
first sees it; --full-page: the whole page, up to 2,400 px); the PNGs are reduced to a
256-colour palette, which keeps each well under 300 KB.
Needs Chromium (/usr/bin/chromium) and Playwright (in requirements.txt).
"""

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LANGUAGES = {"zh-hans": "zh", "en": "en"}
HOME_ROLES = [
    "admin",
    "director",
    "south_manager",
    "channel_mgr",
    "pm",
    "presales",
    "finance",
    "p1_admin",
    "p1_sales",
]
PARTNER_360 = ("channel_mgr", "P-HN-001")  # its channel manager, a demo partner
GATE_APPROVERS = ["director", "east_manager", "south_manager"]
MAX_HEIGHT = 2400  # of a --full-page shot
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/screenshots", help="folder for the PNGs")
    parser.add_argument("--url", help="a running server with the demo data (default: start one)")
    parser.add_argument("--port", type=int, default=0, help="port of the server started here")
    parser.add_argument("--db", help="SQLite file of the server started here (default: temporary)")
    parser.add_argument("--password", default="Qudao@2026", help="the demo accounts' password")
    parser.add_argument(
        "--full-page",
        action="store_true",
        help="the whole page (up to 2,400 px high), not only the first screen",
    )
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            base, server = start_server(args.port, args.db)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            try:
                Shooter(browser, base, out, args.password, args.full_page).all()
            finally:
                browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    return 0


class Shooter:
    def __init__(self, browser, base: str, out: Path, password: str, full_page: bool = False):
        self.browser, self.base, self.out, self.password = browser, base, out, password
        self.full_page = full_page
        self.saved: list[str] = []

    def all(self) -> None:
        for language, suffix in LANGUAGES.items():
            for username in HOME_ROLES:
                with self.session(username, language) as page:
                    self.shoot(page, "/", f"home-{username}-{suffix}")
            with self.session("director", language) as page:
                self.shoot(page, "/performance/", f"dashboard-director-{suffix}")
            username, partner_code = PARTNER_360
            with self.session(username, language) as page:
                url = self.first_row_link(page, f"/partners/?q={partner_code}", "/partners/")
                if url:
                    self.shoot(page, url, f"partner-360-{suffix}")
            self.gate_approval(language, suffix)
            with self.session("p1_sales", language, PHONE) as page:
                self.shoot(page, "/registrations/", f"phone-registrations-p1_sales-{suffix}")
                self.shoot(page, "/", f"phone-home-p1_sales-{suffix}")
        total = sum((self.out / name).stat().st_size for name in self.saved)
        print(f"{len(self.saved)} screenshots, {total / 1024:.0f} KB, in {self.out}")

    def gate_approval(self, language: str, suffix: str) -> None:
        """A project's stage gate waiting for a decision, as its approver sees it."""
        for tab in ("awaiting", "all"):  # one who can decide it, else one who can see it
            for username in GATE_APPROVERS:
                with self.session(username, language) as page:
                    page.goto(f"/approvals/?tab={tab}", wait_until="networkidle")
                    url = page.evaluate(
                        """() => {
                          for (const row of document.querySelectorAll('main table tbody tr')) {
                            const link = row.querySelector('a[href^="/approvals/"]');
                            if (link && /XM-\\d{4}/.test(row.innerText)) return link.pathname;
                          }
                          return null;
                        }"""
                    )
                    if url:
                        self.shoot(page, url, f"gate-approval-{suffix}")
                        return
        print(f"no stage-gate approval found ({language})", file=sys.stderr)

    # -- helpers --------------------------------------------------------------------------------
    def session(self, username: str, language: str, viewport: dict = DESKTOP):
        return Session(self, username, language, viewport)

    def first_row_link(self, page, list_url: str, prefix: str) -> str | None:
        page.goto(list_url, wait_until="networkidle")
        return page.evaluate(
            """(prefix) => {
              const link = [...document.querySelectorAll('main table tbody tr a[href]')]
                .find(a => a.pathname.startsWith(prefix) && a.pathname !== prefix);
              return link ? link.pathname : null;
            }""",
            prefix,
        )

    def shoot(self, page, url: str, name: str) -> None:
        response = page.goto(url, wait_until="networkidle")
        if response is None or response.status != 200:
            print(f"{name}: {url} answered {response and response.status}", file=sys.stderr)
        page.wait_for_timeout(400)  # charts finish their entry animation
        png = page.screenshot(animations="disabled", full_page=self.full_page)
        path = self.out / f"{name}.png"
        path.write_bytes(optimised(png))
        self.saved.append(path.name)
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB  ({url})")


class Session:
    """A logged-in browser context of one user in one language and viewport."""

    def __init__(self, shooter: Shooter, username: str, language: str, viewport: dict):
        self.shooter, self.username, self.language, self.viewport = (
            shooter,
            username,
            language,
            viewport,
        )

    def __enter__(self):
        shooter = self.shooter
        self.context = shooter.browser.new_context(
            base_url=shooter.base,
            viewport=self.viewport,
            device_scale_factor=1,
            is_mobile=self.viewport is PHONE,
            has_touch=self.viewport is PHONE,
        )
        self.context.set_default_timeout(30_000)
        page = self.context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=identifier]", self.username)
        page.fill("input[name=password]", shooter.password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        if "/accounts/login" in page.url:
            raise SystemExit(f"{self.username} cannot log in at {shooter.base}: demo data loaded?")
        # The language switch's cookie, set after logging in (which restores the user's own).
        self.context.add_cookies(
            [{"name": "django_language", "value": self.language, "url": shooter.base}]
        )
        return page

    def __exit__(self, *exc):
        self.context.close()


def optimised(png: bytes) -> bytes:
    """The PNG as a 256-colour palette image (screens are flat colours; text stays sharp)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.crop((0, 0, image.width, min(image.height, MAX_HEIGHT)))
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def start_server(port: int, db: str | None) -> tuple[str, subprocess.Popen]:
    """Migrate a scratch SQLite database, load the demo data and serve it with runserver."""
    if db is None:
        db = os.path.join(tempfile.mkdtemp(prefix="qudao-screenshots-"), "db.sqlite3")
    port = port or free_port()
    env = os.environ | {"DATABASE_URL": f"sqlite:///{os.path.abspath(db)}", "DEBUG": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    print(f"loading the demo data into {db} …", flush=True)
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([*manage, "seed_demo", "--if-empty"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
            return base, server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within a minute")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
