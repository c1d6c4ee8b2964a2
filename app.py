"""OnRecord's Streamlit page: what the index holds, and passage search.

Only UI here: session state, layout, rendering. Retrieval lives in ``onrecord``.
(The full chat with verified quotes comes with the answer engine.)
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import streamlit as st

from onrecord.embeddings import Embedder, load_embedder
from onrecord.index.generations import current_generation
from onrecord.index.identity import IndexMismatch
from onrecord.index.reader import IndexReader, IndexUnavailable
from onrecord.retrieval import search
from onrecord.settings import Settings, load_settings
from onrecord.types import SearchFilters, SearchHit

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@st.cache_resource(show_spinner="Loading the embedding model…")
def get_embedder(model: str) -> Embedder:
    """Loaded once per process and model (seconds of work)."""
    return load_embedder(load_settings().embedding.model_copy(update={"model": model}))


@st.cache_resource(show_spinner="Opening the index…", max_entries=2)
def get_reader(index_dir: str, generation: str) -> IndexReader:
    """One reader per published generation: a finished ingest is picked up on the next run."""
    del generation  # part of the cache key only
    return IndexReader.open(Path(index_dir), load_settings())


def open_index(settings: Settings) -> IndexReader | None:
    generation = current_generation(settings.index_dir)
    try:
        if generation is None:
            raise IndexUnavailable("no index yet")
        return get_reader(str(settings.index_dir), generation.name)
    except IndexUnavailable:
        st.info(
            "The index is empty. Add transcripts with "
            f"`onrecord ingest PATH --index {settings.index_dir}`, then reload this page."
        )
    except IndexMismatch as err:
        st.error(f"This index cannot be used: {err}")
    return None


def sidebar_filters(stats: dict) -> tuple[SearchFilters, int]:
    with st.sidebar:
        st.header("Filters")
        speakers = {f"{s['name']} ({s['passages']})": s["name"] for s in stats["speakers"]}
        choice = st.selectbox("Speaker", ["Anyone", *speakers], key="speaker")
        first, last = stats["date_range"]
        since = until = None
        if first and last:
            low, high = date.fromisoformat(first), date.fromisoformat(last)
            picked = st.date_input("Dates", value=(low, high), min_value=low, max_value=high)
            if isinstance(picked, tuple) and len(picked) == 2:
                since, until = picked[0].isoformat(), picked[1].isoformat()
        k = st.slider("Passages", min_value=1, max_value=30, value=8, key="k")
    speaker = None if choice == "Anyone" else speakers[choice]
    return SearchFilters(speaker=speaker, since=since, until=until), k


def render_hit(n: int, hit: SearchHit) -> None:
    with st.container(border=True):
        st.markdown(f"**[{n}] {hit.speaker}** · {hit.role.value} · {hit.date or 'undated'}")
        st.caption(f"{hit.title} · `{hit.doc_id}` characters {hit.start}–{hit.end}")
        st.text(hit.text)
        if hit.question:
            with st.expander("Question this answers"):
                st.text(hit.question)


def main() -> None:
    st.set_page_config(page_title="OnRecord", page_icon="🗞️", layout="wide")
    st.title("OnRecord")
    settings = load_settings()
    reader = open_index(settings)
    if reader is None:
        return
    stats = reader.stats()
    first, last = stats["date_range"]
    st.caption(
        f"{stats['transcripts']} transcripts · {stats['passages']} passages · "
        f"{first} to {last} · embeddings: {stats['embedding_model']}"
    )
    filters, k = sidebar_filters(stats)
    query = st.text_input(
        "Search what was said",
        key="query",
        placeholder="e.g. ceasefire exception for terrorist organisations",
    )
    if not query.strip():
        return
    hits = search(
        reader, get_embedder(stats["embedding_model"]), query, filters, settings.search, k=k
    )
    if not hits:
        st.warning("No passages found with these filters.")
    for n, hit in enumerate(hits, start=1):
        render_hit(n, hit)


main()
