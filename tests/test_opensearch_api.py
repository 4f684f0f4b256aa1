"""The API, page and CLI tests of test_api.py and test_views.py, run again with the OpenSearch backend
(the samples on the local 3-node cluster): the same assertions hold on both engines. Tests about one
engine's internals (Whoosh's wildcard cap, an empty index dir) stay there; their OpenSearch
counterparts are below."""

import pytest

from searcher import create_app

from .test_answers import (  # noqa: F401
    test_once_a_value_is_checked_each_other_value_says_what_checking_it_adds,
)
from .test_api import (  # noqa: F401 - collected again here, with this module's fixtures
    test_a_language_filter_says_how_many_undetermined_articles_it_leaves_out,
    test_a_query_of_stop_words_alone_matches_nothing_and_says_so,
    test_a_word_finds_its_forms_with_a_doubled_consonant,
    test_article_endpoint,
    test_bad_parameters_get_400_naming_them,
    test_contract_shape,
    test_date_range_and_sort,
    test_empty_query_browses_newest_first,
    test_every_api_error_is_json,
    test_exclusion_and_country_rollup,
    test_facet_selection_or_within_and_across,
    test_facets_in_the_query_syntax_match_the_facet_filters,
    test_malformed_queries_never_error,
    test_page_errors_stay_html,
    test_pages_render,
    test_paging,
    test_phrases_or_not_and_fields,
    test_places_roll_up_by_country,
    test_spelling_suggestion,
    test_words_are_anded_and_stemmed,
)
from .test_pages import (  # noqa: F401
    test_a_bad_date_is_shown_on_the_search_page_with_the_search_kept,
    test_a_date_in_a_common_form_narrows_the_search,
    test_a_way_back_that_is_not_a_valid_search_is_not_offered,
    test_an_article_opened_from_results_links_back_to_them,
    test_every_page_past_the_end_says_so_and_links_to_the_last,
    test_the_last_page_and_bad_page_numbers,
    test_the_way_back_is_always_our_search_page,
    test_too_many_wildcards_are_named_in_the_api,
)
from .test_views import (  # noqa: F401
    test_clear_all_takes_off_every_facet_value_exclusion_and_date,
    test_facet_links_add_and_remove_values_and_reset_the_page,
    test_hits_are_numbered_from_the_page_s_first_one,
    test_the_page_shows_mentioned_dates_by_year_with_the_span,
    test_the_page_shows_the_sidebar_headings_and_the_clear_all_link,
    test_the_sidebar_lists_every_facet_in_order_with_its_switch,
    test_the_sort_and_date_forms_keep_the_search,
)


@pytest.fixture
def app(opensearch_samples_app):
    return opensearch_samples_app


def test_the_app_searches_opensearch(client):
    from searcher.opensearch_backend import OpenSearchIndex
    from searcher.views import search_index

    client.get("/api/search?q=ferry")
    with client.application.app_context():
        assert isinstance(search_index(), OpenSearchIndex)


def test_a_cluster_that_does_not_answer_is_a_clear_503(tmp_path):
    from tests.opensearch_cluster import free_port_block

    port = free_port_block(1)
    client = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(tmp_path),
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": f"http://127.0.0.1:{port}",
        }
    ).test_client()
    response = client.get("/api/search?q=ferry")
    assert response.status_code == 503 and "does not answer" in response.json["error"]
    assert client.get("/").status_code == 503


def test_a_missing_index_is_a_clear_503(opensearch_cluster, tmp_path):
    client = create_app(
        {
            "TESTING": True,
            "INDEX_DIR": str(tmp_path),
            "BACKEND": "opensearch",
            "OPENSEARCH_URL": opensearch_cluster.urls[0],
            "OPENSEARCH_INDEX": "no-such-index",
        }
    ).test_client()
    response = client.get("/api/search")
    assert response.status_code == 503 and "no OpenSearch index 'no-such-index'" in response.json["error"]


def test_search_command_names_the_cluster(runner, opensearch_cluster, sample_index):
    result = runner.invoke(
        args=["search", "ferry", "--person", "Henrik Vallo", "--index-dir", str(sample_index)]
    )
    assert result.exit_code == 0, result.output
    assert "Ferry strike ends with pay deal" in result.output
    assert (
        f"searching the OpenSearch index 'newsfacets-samples' at {opensearch_cluster.urls[0]}"
        in result.stderr
    )
    result = runner.invoke(
        args=["search", "ferry", "--json", "--backend", "whoosh", "--index-dir", str(sample_index)]
    )
    assert f"searching the index at {sample_index}" in result.stderr  # the flag wins over the config
