"""The chat page's logic, kept out of ``app.py`` so it can be tested without a browser.

Pure helpers (no Streamlit): ``render`` (safe Markdown from untrusted text), ``context``
(the turn and question around a quote), ``session`` (one question and its answer),
``filters``, ``status``, ``examples``, ``timeline``, ``why``, ``export``, ``feedback`` and
``asking`` (runs a question). ``view`` is the one module that draws with Streamlit.
"""
