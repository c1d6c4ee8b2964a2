"""The chat page under Streamlit's AppTest (real Streamlit, no browser): start it on an
index, ask, and read what it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from onrecord.settings import REPO_ROOT
from onrecord.ui.session import Exchange
from tests.support.page_text import shown

TIMEOUT = 120
# Where the app could find an LLM key: tests that want quotes mode delete them all.
ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ONRECORD_OPENAI_API_KEY", "ONRECORD_OPENAI_BASE_URL")


def start(monkeypatch, index_dir: Path, secrets: dict | None = None) -> AppTest:
    monkeypatch.setenv("ONRECORD_INDEX_DIR", str(index_dir))
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=TIMEOUT)
    # Always some secrets: AppTest then ignores any .streamlit/secrets.toml on this machine.
    app.secrets = secrets or {"UNRELATED": "x"}
    return app.run()


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input(key="question").set_value(question).run()
    assert not app.exception, app.exception
    return app


def last(app: AppTest) -> Exchange:
    return app.session_state["exchanges"][-1]


def markdown(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown]


def cards(app: AppTest) -> list[str]:
    """Source-card headings, as written."""
    return [m for m in markdown(app) if m.startswith(":blue[**\\[")]


def card_quotes(app: AppTest) -> list[str]:
    return [shown(m) for m in markdown(app) if m.startswith("> “")]


def everything_shown(app: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error", "code")
        for e in getattr(app, kind)
    ]
    parts += [b.label for b in app.button]
    return "\n".join(str(p) for p in parts)
