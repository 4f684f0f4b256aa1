"""What each OpenSearch document keeps of its normalization inputs, and the corpus normalized again
from them (searcher/opensearch_normalize.py): the pure parts, no cluster needed. The cluster test is
``test_split_adds_give_the_facets_of_a_single_rebuild`` in test_opensearch_cli.py."""

import json
from datetime import datetime

from index.articles import Article, Mention
from index.schema import entities_json
from index.stages.annotate import entities_from_all_mentions
from index.stages.normalize_corpus import normalize_across_corpus
from index.stages.prepare import prepare
from index.stages.report import BuildOptions
from searcher.opensearch_backend import document
from searcher.opensearch_normalize import (
    NerInput,
    StoredArticle,
    decode_ner_input,
    encode_ner_input,
    ner_input_of,
    normalize_union,
    prepared_from_source,
)

OPTIONS = BuildOptions(progress=False, processes=1)


def prepared_article(id_, title, body, mentions, dateline=None):
    article = Article(
        title=title,
        body=body,
        origin=f"test.jsonl:{id_}",
        id=id_,
        source="Wire",
        published=datetime(1987, 3, 2, 9, 30),
        dateline=dateline,
    )
    item = prepare(article, set(), [])
    item.pipeline = "en_core_web_sm-3.8.0"
    found = [
        Mention(text, label, item.ner_text.index(text), item.ner_text.index(text) + len(text))
        for text, label in mentions
    ]
    return item, found


def test_ner_inputs_round_trip_through_their_encoding():
    found = NerInput("en_core_web_sm-3.8.0", 17, "ZÜRICH, March 2", "Zürich", '[["Zürich", "GPE", 0, 6]]')
    encoded = encode_ner_input(found)  # base64 of deflated JSON, as a binary field holds it
    assert encoded.isascii() and "Zürich" not in encoded
    assert decode_ner_input(encoded) == found
    assert decode_ner_input(encode_ner_input(NerInput("", 0, None, None))).mentions() == []


def test_a_document_gives_back_the_article_spacy_read():
    item, mentions = prepared_article(
        "w-1",
        "Ferry strike ends",
        "OSLO (Wire) - The ferry strike ended on Monday, said Henrik Vallo.",
        [("Henrik Vallo", "PERSON"), ("OSLO", "GPE")],
        dateline="Oslo, Norway",
    )
    entities_from_all_mentions([item], [mentions], count_votes([mentions]), OPTIONS)
    stored = ner_input_of(item, json.dumps([[m.text, m.label, m.start, m.end] for m in mentions]))
    source = document(item, 7)
    back = prepared_from_source(source, decode_ner_input(encode_ner_input(stored)))
    assert (back.ner_text, back.body_offset) == (item.ner_text, item.body_offset)
    assert (back.dateline, back.dateline_place) == (item.dateline, item.dateline_place)
    assert (back.article.published, back.article.dateline) == (item.article.published, "Oslo, Norway")
    assert (back.language, back.pipeline, back.story, back.fingerprint) == (
        item.language,
        item.pipeline,
        item.story or "w-1",
        item.fingerprint,
    )
    assert back.entities is None  # derived again, from the mentions and the corpus's votes


def count_votes(mentions):
    from index.corpus import count_label_votes

    return count_label_votes(mentions)


ARTICLES = [
    (
        "w-1",
        "Envoy named",
        "John Bolton was named envoy on Monday. John Bolton will travel to Geneva.",
        [("John Bolton", "PERSON"), ("Geneva", "GPE")],
    ),
    (
        "w-2",
        "Talks resume",
        "Bolton said the talks would resume in Geneva next week.",
        [("Bolton", "PERSON"), ("Geneva", "GPE")],
    ),
]


def normalized_together(articles):
    """As a build normalizes what it read: the votes, each article's entities, the corpus-wide rules."""
    items, mentions = [i for i, _ in articles], [m for _, m in articles]
    votes = count_votes(mentions)
    entities_from_all_mentions(items, mentions, votes, OPTIONS)
    normalize_across_corpus(items, {}, votes)
    return items


def test_the_union_normalized_again_equals_one_rebuild_of_both_halves():
    """Two machines each normalized half of the corpus: "Bolton" alone stays "Bolton" on the machine
    that never saw "John Bolton"; normalizing the union again merges it, as one rebuild does."""
    stored = []
    for order, args in enumerate(ARTICLES):  # each machine's own add: its half alone
        item, found = prepared_article(*args)
        normalized_together([(item, found)])
        mentions_json = json.dumps([[m.text, m.label, m.start, m.end] for m in found])
        source = document(item, order)
        stored.append(
            StoredArticle(
                prepared_from_source(source, ner_input_of(item, mentions_json)),
                encode_ner_input(ner_input_of(item, mentions_json)),
                order,
                source["entities"],
                seq_no=order,
                primary_term=1,
            )
        )
    assert json.loads(stored[1].entities)["people"] == ["Bolton"]  # split: not merged

    rebuilt = normalized_together([prepared_article(*args) for args in ARTICLES])
    assert rebuilt[1].entities.people == ["John Bolton"]

    changed = normalize_union(stored, OPTIONS)
    assert [s.item.article.id for s in changed] == ["w-2"]  # only the article whose entities moved
    assert [entities_json(s.item.entities) for s in stored] == [entities_json(i.entities) for i in rebuilt]


def test_whoosh_terms_are_the_words_whooshs_analyzer_gives():
    """The load's own tokenizer and stemmer give what Whoosh's analyzer gives, word for word and place
    for place (a sentence a value, a dropped word's place kept), on the samples, Reuters when it is
    here, and edge cases (dotted words, digits, accents, case, sentence ends)."""
    from searcher.opensearch_backend import WHOOSH_STEMMER, terms_by_sentence, whoosh_terms

    from .conftest import REUTERS, SAMPLES

    texts = [
        "U.S. officials said the 3.5 pct rise in İstanbul's exports was A-OK; I a an x.y.z",
        "Bidding, BIDDING and bidders — Zürich Straße naïve café 1987's",
        "ΟΔΟΣ ΚΑΙ ΑΣ.Σ Σ cafe\u0301s ǅ ẞ ﬁ K Å",  # a final sigma, a loose accent, letters lower() grows
        "The Bank of England said. Mr. Baker of the U.S. agreed!\n\nThe end of it. A",
        "",
    ]
    texts += [p.read_text(errors="replace") for p in sorted(SAMPLES.iterdir()) if p.is_file()]
    if REUTERS.is_file():
        with REUTERS.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                if number % 20 == 0:
                    article = json.loads(line)
                    texts.append(f"{article.get('title', '')}\n{article.get('body', '')}")
    for text in texts:
        assert whoosh_terms(text) == terms_by_sentence(WHOOSH_STEMMER(text, positions=True)), text[:80]
