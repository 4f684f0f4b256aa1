"""What a build produced, as plain data that two builds of the same articles can be compared by: the
documents (every stored field, posting and length, through Whoosh alone), the facet columns row by row,
the stories and the generation's other files. Only what records when and how the build ran is left
out (meta.json's build time and its segment files' random names)."""

import json
from pathlib import Path

import numpy as np

from .plain_whoosh import read_index

JSON_FILES = (
    "boilerplate.json",
    "fingerprints.json",
    "origins.json",
    "places.json",
    "vocabulary.json",
    "words.json",
    "columns.json",
)
META_KEYS_OF_THE_RUN = {"built_at", "files"}


def generation_contents(generation):
    generation = Path(generation)
    contents = {"index": read_index(generation)}
    for name in JSON_FILES:
        path = generation / name
        contents[name] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    for name in ("columns.npz", "stories.npz"):
        with np.load(generation / name) as arrays:
            contents[name] = {key: arrays[key].tolist() for key in sorted(arrays.files)}
    meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
    contents["meta.json"] = {k: v for k, v in meta.items() if k not in META_KEYS_OF_THE_RUN}
    return contents


def differences(first, second):
    """The parts (``index:postings``, ``stories.npz:stories`` …) in which two contents differ."""
    found = []
    for part in sorted(set(first) | set(second)):
        a, b = first.get(part), second.get(part)
        if isinstance(a, dict) and isinstance(b, dict):
            found += [f"{part}:{key}" for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]
        elif a != b:
            found.append(part)
    return found
