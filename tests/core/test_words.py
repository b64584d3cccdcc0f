"""One word for one thing (issue 20): a lecture is a 讲 (English: lesson), 学时 is credit
(English: credit hours), and 课时 — a near-synonym of 学时 in continuing education, once used
here for a lecture — appears nowhere: not on a page, not in a message.
"""
from babel.messages.pofile import read_po

from tests import pages as every_page
from tests.core.test_english import PO
from tests.pages import UNKNOWN_NUMBER, pages

world = every_page.world  # the fixture: tests/pages.py


def test_no_page_says_keshi(client, world, sign_in):
    found = {}
    for visits in pages(world).values():
        for role, address in visits:
            if role:
                sign_in(world[role])
            response = client.get(address)
            assert response.status_code == (404 if address.endswith(UNKNOWN_NUMBER) else 200), address
            html = response.get_data(as_text=True)
            if "课时" in html:
                found[address] = [line.strip() for line in html.splitlines() if "课时" in line]
            client.delete_cookie("session")
    assert not found, found


def catalogue():
    with PO.open("rb") as source:
        return [message for message in read_po(source, locale="en") if message.id]


def test_no_message_of_the_app_says_keshi():
    """Every string the code shows is in the catalogue (tests/core/test_english.py checks): flash
    messages, API errors and player texts included, whichever page they appear on."""
    ids = [message.id if isinstance(message.id, str) else message.id[0] for message in catalogue()]
    assert [text for text in ids if "课时" in text] == []


def test_xueshi_is_credit_hours_in_english():
    english = [(message.id, str(message.string).lower()) for message in catalogue()]
    assert [ids for ids, text in english if "study hour" in text or "study-hour" in text] == []
