"""Every page, rendered in English, shows no Chinese punctuation outside the data it lists.

The world (tests/pages.py) holds no Chinese punctuation in its data (names, titles, employers), so any
``：（）【】，。`` on an English page comes from the app's own words. The list of pages is
checked against the app's routes: a new page must be added to tests/pages.py to be let through.
"""
import re

from tests import pages as every_page
from tests.core.test_english import english_catalogue, shown_text  # noqa: F401 (an autouse fixture)
from tests.pages import NOT_PAGES, UNKNOWN_NUMBER, pages

CHINESE_PUNCTUATION = re.compile(r"[：（）【】，。]")
world = every_page.world  # the fixture: tests/pages.py


def test_every_page_is_listed(app, world):
    html_pages = {rule.endpoint for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.rule.startswith("/api/")} - NOT_PAGES
    assert html_pages == set(pages(world))


def test_no_english_page_shows_chinese_punctuation(client, world, sign_in):
    client.set_cookie("lang", "en")
    found = {}
    for visits in pages(world).values():
        for role, address in visits:
            if role:
                sign_in(world[role])
            response = client.get(address)
            unknown = address.endswith(UNKNOWN_NUMBER)  # the page that says so, answered 404
            assert response.status_code == (404 if unknown else 200), (address, response.status_code)
            html = response.get_data(as_text=True)
            assert '<html lang="en">' in html, address
            lines = [line for line in shown_text(html).splitlines() if CHINESE_PUNCTUATION.search(line)]
            if lines:
                found[address] = lines
            client.delete_cookie("session")
    assert not found, found
