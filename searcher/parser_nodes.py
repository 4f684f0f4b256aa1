"""A Whoosh query-parser plugin that reads some of a query's field nodes again as nodes of its own kind
(a date field's word as a period, a facet's quoted phrase as one value)."""

from __future__ import annotations

from typing import Any

from whoosh import qparser
from whoosh.qparser import syntax


class FieldNodePlugin(qparser.Plugin):
    """Walks the parsed nodes after FieldsPlugin's filter (100) gave each its field, and puts
    ``replacement(node)`` in a node's place where it is not None (with the node's field, boost and
    place in the text)."""

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self.read_nodes, 105)]

    def read_nodes(self, parser: Any, group: Any) -> Any:
        found = group.empty_copy()
        for node in group:
            if isinstance(node, syntax.GroupNode):
                node = self.read_nodes(parser, node)
            else:
                replacement = self.replacement(node)
                if replacement is not None:
                    replacement.fieldname, replacement.boost = node.fieldname, node.boost
                    replacement.startchar, replacement.endchar = node.startchar, node.endchar
                    node = replacement
            found.append(node)
        return found

    def replacement(self, node: Any) -> Any | None:
        raise NotImplementedError
