"""The title's and body's analyzers of earlier index formats, for the tests that an index built with
one is refused until rebuilt."""

from whoosh.analysis import STOP_WORDS, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

from index.schema import english_stem


def renumbering_analyzer(stemfn=english_stem):
    """Positions renumbered around the stop words, sentences run together (before words kept their
    places); with ``stemfn=None``, Whoosh's own Porter stems too (before ``english_stem``)."""
    stems = StemFilter(cachesize=50000) if stemfn is None else StemFilter(stemfn=stemfn, cachesize=50000)
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=2)
        | stems
    )


def english_text_analyzer_renumbering():
    """The analyzer as it was before words kept their places."""
    return renumbering_analyzer()


def english_text_analyzer_with_whoosh_stems():
    """The analyzer as it was before ``english_stem``: Whoosh's own Porter."""
    return renumbering_analyzer(stemfn=None)
