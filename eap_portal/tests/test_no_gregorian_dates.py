"""Dates are shown in ROC form everywhere: crawl every page each demo role can reach and look
for a Gregorian year (2025-…, 2025/…, 2025年)."""
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

GREGORIAN = re.compile(r"(?<![\d.])(?:19[2-9]\d|20\d\d)(?:[-/]\d|年)")
MAX_PAGES_PER_ROLE = 250
# Links that act rather than show, and filtered, sorted or paged views of a list already crawled
# (the rows are the same; the combinations are endless).
SKIP = re.compile(r"/logout/|/delete/|/static/|\?|/i18n/|/admin/r/|/jsi18n/")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") or href.startswith("?"):
                self.links.append(href)


def crawl(client, start_pages):
    seen, queue, pages = set(), deque(start_pages), {}
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = urldefrag(queue.popleft())[0]
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        parser = LinkParser()
        parser.feed(html)
        base = urlsplit(url).path
        queue.extend(base + link if link.startswith("?") else link for link in parser.links)
    return pages


@pytest.fixture
def demo_users(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    from agencies.demo import OUTSIDERS, PEOPLE

    # One login per role: the first demo person listed with it.
    by_role = {}
    for username, *_, roles, supervisor in PEOPLE:
        key = tuple(sorted(role for role, _ in roles)) or ("supervisor" if supervisor else "employee",)
        by_role.setdefault(key, username)
    for username, _, role, _ in OUTSIDERS:
        by_role.setdefault((role,), username)
    return {name: get_user_model().objects.get(username=name) for name in by_role.values()}


def test_no_page_any_demo_role_reaches_shows_a_gregorian_date(demo_users):
    problems, crawled = [], 0
    for username, user in demo_users.items():
        client = Client()
        client.force_login(user)
        pages = crawl(client, ["/", "/me/", "/hr/", "/hr/people/", "/hr/agencies/", "/admin/", "/help/urgent/",
                               "/accounts/password_change/"])
        crawled += len(pages)
        for url, html in pages.items():
            for match in GREGORIAN.finditer(html):
                snippet = html[max(0, match.start() - 60):match.end() + 20].replace("\n", " ")
                problems.append(f"{username} {url}: …{snippet}…")
    assert crawled > 50, "the crawl reached too few pages to prove anything"
    assert not problems, "\n".join(problems[:20])


def test_the_pattern_catches_gregorian_years_and_spares_roc_ones():
    assert GREGORIAN.search("生日 2025-02-20")
    assert GREGORIAN.search("2025/02/20")
    assert GREGORIAN.search("2025年2月20日")
    assert not GREGORIAN.search("114年2月20日 114/02/20 07-3306034")
