"""Keep Python's cycle collector off what the process loads once: the code and the model.

Once torch, transformers and Streamlit are imported and the model is loaded, the app's
process holds several hundred thousand objects that live as long as it does. Python's
collector walked all of them at every full collection: about 0.3 s of the interpreter, every
half minute or so under load, with every session's page run waiting (docs/performance.md,
"Load"). ``settle()`` collects once, then moves everything alive to the permanent generation
(``gc.freeze``), so later full collections walk only what came after: the index and the
sessions. It runs once, when the model has loaded.

Freezing is for what lives as long as the process. An index generation is replaced when an
ingest publishes a new one; one opened before the model finished loading is frozen too, but
the reader holds no reference cycles, so it is freed when it is replaced all the same.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what is garbage now, then freeze everything alive."""
    gc.collect()
    gc.freeze()
