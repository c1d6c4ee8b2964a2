"""The chat page's logic, kept out of ``app.py`` so it can be tested without a browser.

Pure helpers (no Streamlit): ``render`` (safe Markdown from untrusted text), ``context``
(the turn and question around a quote), ``session`` (one question and its answer),
``filters``, ``status``, ``examples``, ``timeline``, ``why``, ``export``, ``feedback`` and
``asking`` (runs a question). With Streamlit: ``resources`` (index and model, cached once
per process), ``sidebar`` and ``view`` (drawing one exchange).
"""
