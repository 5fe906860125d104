"""The whole UI as each demo role sees it, in Chinese and English, in Debian's Chromium.

On the demo data, every role (staff at 1,280 px; partner users also at 390 px, the phone) opens
every page of its navigation and the first row of every list, and the test fails — with the role,
the language, the width, the page and what is wrong — on:

- an answer other than 200, or a page that bounces to the log-in page;
- a console error, a script error, or a failed request of the page (a chart's data, say);
- a page wider than the screen (`scrollWidth > innerWidth + 1`), naming what sticks out;
- an untranslated label in the Chinese UI: an ASCII word of three or more letters in the visible
  text of the navigation, headings, table headers, labels, buttons, badges, tabs and `<dt>`s,
  unless it is on ALLOWED_WORDS or marked as not for translation (`translate="no"`, `<code>`);
- a raw code in history (`stage_code`) or a machine time (`2026-12-06T06:12`);
- an unformatted amount: a number of five or more digits without thousands separators in a table
  cell, a card or a `<dd>` (see AMOUNT for what is not taken for an amount).

Problems are collected, not stopped at: the failure lists them all, grouped by kind. The browser
is shared with the other browser tests; one context per role is reused across languages and widths.
"""

import re
from collections import defaultdict
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from qudao.core.models import Role
from qudao.projects.reference import templates_builtin_ensure

sync_api = pytest.importorskip("playwright.sync_api")

# serialized_rollback: the reference data the migrations made (roles, tiers, stage templates),
# which an earlier transactional test's flush removed, is back before the demo data is loaded.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STAFF = ["admin", "director", "south_manager", "channel_mgr", "pm", "presales", "finance"]
PARTNER_USERS = ["p1_admin", "p1_sales"]
LANGUAGES = ["zh-hans", "en"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

NAV_LINKS = "[data-testid=main-nav] a[href]"
# Not pages of the product: Django's admin (English only), the API's docs, files.
SKIPPED = re.compile(r"^/(admin|api|media|static)/|/export|/download|\.(xlsx|csv|pdf|zip)$")

# ASCII words the Chinese UI may show: brand and format names, units.
ALLOWED_WORDS = {"API", "CNY", "CSV", "Excel", "KPI", "MDF", "PDF"}
WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")
# Codes, e-mail addresses and web addresses are not words: BB-2026-000123, P-HN-001, a@b.cn,
# partner-quarterly.
NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|\b[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-_./][A-Za-z0-9]+)*\b"
    r"|\b[A-Z]{1,5}(?:-[A-Z0-9]+)+\b|\b[a-z]+(?:-[a-z]+)+\b"
)
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Five or more digits in a row, with or without decimals, that are not part of a code or a
# date (a letter, digit, "-", "/", ":", "." or "#" touching it: BB-2026-000123, 2026/12/06) and
# are not 11 or more digits without decimals (mobile numbers, bank accounts).
AMOUNT = re.compile(r"(?<![A-Za-z0-9_\-/.:#,])(\d{5,})(\.\d+)?(?![A-Za-z0-9_\-/:,]|\.\d)")

PROBE = """() => {
  const skip = 'code, kbd, samp, script, style, [translate=no], .font-monospace';
  const shown = el => el.checkVisibility({checkOpacity: false, checkVisibilityCSS: true});
  const textOf = (el, visibleOnly) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip)) continue;
      if (visibleOnly && !shown(parent)) continue;
      parts.push(node.nodeValue);
    }
    return parts.join(' ').replace(/\\s+/g, ' ').trim();
  };
  const texts = (selector, visibleOnly = true) => [...document.querySelectorAll(selector)]
    .filter(el => !visibleOnly || shown(el)).map(el => textOf(el, visibleOnly)).filter(Boolean);
  const describe = el => el.tagName.toLowerCase()
    + (el.id ? '#' + el.id : '')
    + (el.dataset.testid ? '[data-testid=' + el.dataset.testid + ']' : '')
    + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  const width = window.innerWidth;
  const overflow = [];
  if (document.documentElement.scrollWidth > width + 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const right = el.getBoundingClientRect().right;
      const parent = el.parentElement;
      if (right > width + 1 && parent && parent.getBoundingClientRect().right <= width + 1
          && shown(el)) {
        const what = describe(parent) + ' > ' + describe(el);
        if (!overflow.some(seen => seen.startsWith(what))) {
          overflow.push(what + ' ends at ' + Math.round(right) + ' px');
        }
        if (overflow.length === 3) break;
      }
    }
  }
  // On a phone, a list is cards, not a table scrolled sideways in its box.
  const wideTables = width >= 768 ? [] : [...document.querySelectorAll('main table')]
    .filter(table => shown(table) && table.scrollWidth > width)
    .map(table => describe(table) + ' is ' + table.scrollWidth + ' px wide');
  return {
    lang: document.documentElement.lang,
    wideTables,
    scrollWidth: document.documentElement.scrollWidth,
    width,
    overflow,
    nav: texts('[data-testid=main-nav] a', false),
    labels: texts('h1, h2, h3, h4, h5, h6, th, label, button, .btn, .badge, dt, legend, '
      + '.nav-tabs .nav-link, .nav-pills .nav-link, .card-header'),
    history: texts('[data-testid*=history] tr, [data-testid*=history] li, '
      + '[data-testid=transitions] tr'),
    amounts: texts('td, dd').concat(texts('.card')),
  };
}"""

# The first link of a list's first row: a detail page.
FIRST_ROW_LINK = """(list) => {
  const own = a => a.origin === location.origin && !a.getAttribute('href').startsWith('#');
  for (const row of document.querySelectorAll('main table tbody tr, main .list-group-item')) {
    const links = [...row.querySelectorAll('a[href]'), ...(row.matches('a[href]') ? [row] : [])]
      .filter(own);
    const below = links.find(a => a.pathname.startsWith(list) && a.pathname !== list);
    if (below || links.length) return (below || links[0]).pathname + (below || links[0]).search;
  }
  return null;
}"""
HISTORY_LINK = """() => {
  const link = [...document.querySelectorAll('main a[href*=history]')]
    .find(a => a.origin === location.origin);
  return link ? link.pathname + link.search : null;
}"""


class Crawl:
    """Visits pages in one browser page and collects what is wrong with them."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base = browser, base_url
        self.problems: dict[str, list[tuple]] = defaultdict(list)
        self.seen: dict[tuple, list] = {}  # (kind, what, language): [first report, more pages]
        self.visits = 0

    # -- the pages ------------------------------------------------------------------------------
    def role(self, username: str, phone: bool) -> None:
        context = self.browser.new_context(base_url=self.base, viewport=DESKTOP)
        context.set_default_timeout(15_000)
        page = context.new_page()
        events: list[str] = []
        inflight: set = set()
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and events.append(f"console: {m.text} ({m.location.get('url', '')})")
            ),
        )
        page.on("pageerror", lambda error: events.append(f"script error: {error}"))
        page.on("request", lambda r: inflight.add(r))
        page.on("requestfinished", lambda r: inflight.discard(r))
        page.on("requestfailed", lambda r: (inflight.discard(r), self._failed(r, events)))
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.request.resource_type != "document"
                and events.append(f"HTTP {r.status} for {r.url}")
            ),
        )
        self.page, self.events, self.inflight = page, events, inflight
        try:
            self._log_in(username)
            details: dict[str, str | None] = {}
            widths = [("1280", DESKTOP)] + ([("390", PHONE)] if phone else [])
            for language in LANGUAGES:
                context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.base}]
                )
                for width, viewport in widths:
                    page.set_viewport_size(viewport)
                    where = f"{username} · {language} · {width} px"
                    if self.visit("/", where) is None:
                        continue
                    links = self._nav_links()
                    for url in links:
                        if url != "/" and self.visit(url, where) and url not in details:
                            details[url] = page.evaluate(FIRST_ROW_LINK, urlsplit(url).path)
                    for url in dict.fromkeys(d for d in details.values() if d):
                        if self.visit(url, where) and (history := page.evaluate(HISTORY_LINK)):
                            self.visit(history, where)
        finally:
            context.close()

    def visit(self, url: str, where: str) -> bool:
        """Open `url` and check it; False when it did not answer 200."""
        page, self.visits = self.page, self.visits + 1
        self.events.clear()
        at = f"{where} · {url}"
        try:
            response = page.goto(url, wait_until="load")
        except sync_api.Error as error:
            self.report("no answer", at, str(error).splitlines()[0])
            return False
        self._settle()
        if response is None or response.status != 200:
            self.report("answer not 200", at, f"HTTP {response.status if response else '?'}")
            return False
        if urlsplit(page.url).path.startswith("/accounts/login"):
            self.report("answer not 200", at, "sent to the log-in page")
            return False
        for event in self.events:
            self.report("console error or failed request", at, event)
        self._check(page.evaluate(PROBE), at, where.split(" · ")[1])
        return True

    # -- the checks -----------------------------------------------------------------------------
    def _check(self, found: dict, at: str, language: str) -> None:
        if not found["lang"].startswith(language[:2]):
            self.report("wrong language", at, f"<html lang={found['lang']}>")
        if found["scrollWidth"] > found["width"] + 1:
            self.report(
                "wider than the screen",
                at,
                f"{found['scrollWidth']} px > {found['width']} px: " + "; ".join(found["overflow"]),
            )
        for table in found["wideTables"]:
            self.report("table scrolled sideways on the phone", at, table)
        if language == "zh-hans":
            for text in found["nav"] + found["labels"]:
                words = [
                    word
                    for word in WORD.findall(NOT_WORDS.sub(" ", text))
                    if word not in ALLOWED_WORDS
                ]
                if words:
                    self.report("untranslated label", at, f"{', '.join(words)} in {text[:80]!r}")
        for text in found["history"]:
            for pattern in (RAW_CODE, ISO_TIME):
                if match := pattern.search(text):
                    self.report(
                        "raw code or machine time in history", at, f"{match[0]!r} in {text[:100]!r}"
                    )
        for text in found["amounts"]:
            for match in AMOUNT.finditer(text):
                if len(match[1]) >= 11 and not match[2]:
                    continue  # a mobile number or an account, not an amount
                what = f"{match[0]} in {text[:80]!r}"
                self.report("unformatted amount", at, what, key=match[0])

    def report(self, kind: str, at: str, what: str, key: str | None = None) -> None:
        # A problem of a shared part (the navigation, a shared table) shows on many pages: the
        # first page it shows on is named, with how many more visits showed it.
        key = (kind, key or what, at.split(" · ")[1])
        if key not in self.seen:
            self.seen[key] = [f"{at}: {what}", 0]
            self.problems[kind].append(key)
        else:
            self.seen[key][1] += 1

    def summary(self) -> str:
        lines = [f"{len(self.seen)} problems on {self.visits} page visits"]
        for kind, keys in sorted(self.problems.items()):
            lines.append(f"== {kind} ({len(keys)})")
            for key in keys:
                text, more = self.seen[key]
                lines.append(f"  {text}" + (f" (and {more} more times)" if more else ""))
        return "\n".join(lines)

    # -- helpers --------------------------------------------------------------------------------
    def _log_in(self, username: str) -> None:
        page = self.page
        page.goto("/accounts/login/")
        page.fill("input[name=identifier]", username)
        page.fill("input[name=password]", settings.DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        assert not urlsplit(page.url).path.startswith("/accounts/login"), f"{username}: no log-in"
        self._settle()

    def _nav_links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            NAV_LINKS,
            "links => links.filter(a => a.origin === location.origin)"
            ".map(a => a.pathname + a.search)",
        )
        return [href for href in dict.fromkeys(hrefs) if not SKIPPED.search(href)]

    def _settle(self) -> None:
        """Wait until the page's own requests (a chart's data) have answered."""
        for _ in range(100):
            if not self.inflight:
                return
            self.page.wait_for_timeout(20)

    def _failed(self, request, events: list[str]) -> None:
        if request.resource_type != "document" and "ERR_ABORTED" not in (request.failure or ""):
            events.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    """The demo data, loaded before the browser starts. A transactional test starts from an
    empty database: the reference data the migrations make (roles, stage templates) first."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for code in Role.Code.values:
        Role.objects.get_or_create(code=code)
    templates_builtin_ensure()
    call_command("seed_demo", stdout=StringIO())


def test_every_page_of_every_role_reads_well_in_both_languages(demo, live_server, browser):
    crawl = Crawl(browser, live_server.url)
    for username in STAFF + PARTNER_USERS:
        crawl.role(username, phone=username in PARTNER_USERS)
    if crawl.problems:
        pytest.fail(crawl.summary(), pytrace=False)
