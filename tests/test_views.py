from werkzeug.datastructures import MultiDict

from searcher.views import url_with


def test_facet_links_add_and_remove_values_and_reset_the_page(app):
    args = MultiDict([("q", "ferry"), ("person", "A"), ("page", "3")])
    with app.test_request_context():
        assert url_with(args, add={"person": "B"}) == "/?q=ferry&person=A&person=B"
        assert url_with(args, remove={"person": "A"}) == "/?q=ferry"
        assert url_with(args, replace={"q": "tram"}) == "/?person=A&q=tram"
