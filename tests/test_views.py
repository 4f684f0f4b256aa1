from werkzeug.datastructures import MultiDict

from searcher.views import headline, url_with


def test_wire_headlines_in_capitals_read_as_title_case():
    assert headline("BAHIA COCOA REVIEW") == "Bahia Cocoa Review"
    assert headline("U.S. WHEAT EXPORTS RISE") == "U.S. Wheat Exports Rise"
    assert headline("Ferry strike ends with pay deal") == "Ferry strike ends with pay deal"
    assert headline("IBM") == "IBM"


def test_facet_links_add_and_remove_values_and_reset_the_page(app):
    args = MultiDict([("q", "ferry"), ("person", "A"), ("page", "3")])
    with app.test_request_context():
        assert url_with(args, add={"person": "B"}) == "/?q=ferry&person=A&person=B"
        assert url_with(args, remove={"person": "A"}) == "/?q=ferry"
        assert url_with(args, replace={"q": "tram"}) == "/?person=A&q=tram"
