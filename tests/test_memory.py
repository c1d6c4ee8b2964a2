"""What the app loads once is frozen out of the cycle collector's way (``onrecord/ui/memory.py``),
and an index generation it replaces is still freed (docs/performance.md, "Load")."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from onrecord.settings import EmbeddingSettings
from onrecord.ui import memory


class Node:
    """An object that can sit in a reference cycle and be watched with a weak reference."""

    def __init__(self) -> None:
        self.partner: Node | None = None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Start and end with nothing frozen (other tests, or an earlier settling, may freeze)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_settling_collects_the_garbage_and_freezes_what_is_alive(unfrozen):
    garbage, kept = Node(), Node()
    garbage.partner, kept.partner = Node(), Node()
    garbage.partner.partner = garbage  # a cycle only the collector frees
    gone = weakref.ref(garbage)
    del garbage
    assert gone() is not None
    memory.settle()
    assert gone() is None
    assert gc.get_freeze_count() > 0
    tracked = {id(o) for o in gc.get_objects()}
    assert id(kept) not in tracked and id(kept.partner) not in tracked  # frozen: not walked


def test_the_app_settles_once_the_model_has_loaded(unfrozen):
    from onrecord.ui.resources import embedder_loading

    embedder_loading.clear()
    e = EmbeddingSettings()
    try:
        embedder = embedder_loading(e.model, e.device, e.batch_size).result(timeout=300)
        assert embedder.embed(["Who spoke?"]).shape == (1, embedder.dimension)
        assert gc.get_freeze_count() > 10_000  # the imported code and the model, at least
    finally:
        embedder_loading.clear()


def test_a_replaced_index_generation_is_freed_without_the_collector(built_index):
    """A generation opened before the model loaded is frozen with it; freezing is harmless
    only because the view holds no reference cycles, so dropping it frees it."""
    from onrecord.ui.resources import open_view

    view = open_view(str(built_index), EmbeddingSettings().model)
    assert view.stats["transcripts"] > 0 and view.reader.lexical.search("Lavrov", 1)
    dense = view.reader.dense()  # loaded as a page run loads it
    assert dense.vectors.shape[0] == view.stats["passages"]
    del dense
    reader, catalog = weakref.ref(view.reader), weakref.ref(view.reader.catalog)
    gc.disable()
    try:
        del view
        assert reader() is None and catalog() is None, "a reference cycle keeps the reader"
    finally:
        gc.enable()
