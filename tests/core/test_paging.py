from core.paging import Page


def test_an_empty_list_is_one_page_with_nowhere_to_go():
    page = Page.of([], page=1, per_page=20, total=0)
    assert (page.pages, page.has_prev, page.has_next) == (1, False, False)


def test_the_last_partial_page_counts():
    page = Page.of(["row"], page=2, per_page=10, total=21)
    assert page.pages == 3
    assert (page.has_prev, page.prev_num, page.has_next, page.next_num) == (True, 1, True, 3)
    assert not Page.of(["row"], page=3, per_page=10, total=21).has_next
