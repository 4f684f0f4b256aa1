"""The indexer: reads articles, cleans them, finds their entities and writes the Whoosh index.

Nothing here imports Flask; the command line and the web layer live in ``searcher``.
"""
