"""One chat session against a running ``streamlit run app.py``, over Streamlit's own websocket
protocol (``/_stcore/stream``, protobuf ``BackMsg``/``ForwardMsg``): the messages a browser tab
sends and receives, without the browser. For ``bench/load.py`` and its test.

``ask`` types a question into the chat box (the ``chat_input`` widget's value, as the page
sends it) and waits for the run to finish; the answer is what the run drew in the newest
assistant message, element by element, with what differs between two runs of the same answer
by design (widget and exchange ids, media URLs, the "Timings" caption) taken out.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import websocket
from google.protobuf.json_format import MessageToDict
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RUN_TIMEOUT = 300.0  # seconds one page run may take under load
VARYING_KEYS = {"id", "url", "scriptRunId"}  # per session or per run, never the answer's words


@dataclass
class Turn:
    """One question asked in a session and what the page drew for it."""

    question: str
    seconds: float
    elements: dict[str, dict]  # delta path -> the element drawn there last
    status: str  # the page's status caption in that run (names the index it read)
    problems: list[str] = field(default_factory=list)  # exceptions, error boxes, failed runs

    def answer(self) -> str:
        """The answer as drawn, canonical JSON: equal for equal answers."""
        return json.dumps(self.elements, sort_keys=True, ensure_ascii=False)


def _clean(value: object) -> object:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in VARYING_KEYS}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


class AppSession:
    """A websocket session with the app (a fresh browser tab: a new conversation)."""

    def __init__(self, url: str) -> None:
        address = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = websocket.create_connection(
            address, subprotocols=["streamlit"], origin=url, timeout=RUN_TIMEOUT
        )
        self.chat_input: str | None = None
        self.exchanges = 0
        self._run()  # the first page view, as a browser's first message asks for it

    def close(self) -> None:
        self.ws.close()

    def ask(self, question: str) -> Turn:
        assert self.chat_input, "the page drew no chat box"
        state = WidgetState(id=self.chat_input)
        state.chat_input_value.data = question
        started = time.monotonic()
        messages = self._run(state)
        turn = self._turn(question, time.monotonic() - started, messages)
        self.exchanges += 1
        return turn

    def _run(self, *widgets: WidgetState) -> list[ForwardMsg]:
        """Ask for a page run with ``widgets`` set; the messages until it finished."""
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = ""
        message.rerun_script.widget_states.widgets.extend(widgets)
        self.ws.send_binary(message.SerializeToString())
        received = []
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            forward = ForwardMsg()
            forward.ParseFromString(self.ws.recv())
            received.append(forward)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                if element.WhichOneof("type") == "chat_input":
                    self.chat_input = element.chat_input.id
            if kind == "script_finished":
                return received
        raise TimeoutError(f"the page run did not finish within {RUN_TIMEOUT:.0f} s")

    def _turn(self, question: str, seconds: float, messages: list[ForwardMsg]) -> Turn:
        """What the run drew in the newest assistant message (the main area's block after
        the title, the status caption and each earlier exchange's two messages)."""
        block = [0, 2 + 2 * self.exchanges + 1]
        elements: dict[str, dict] = {}
        status, problems = "", []
        for m in messages:
            if m.WhichOneof("type") == "script_finished":
                if m.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    problems.append(f"the page run ended {m.script_finished}")
                continue
            if m.WhichOneof("type") != "delta":
                continue
            path, delta = list(m.metadata.delta_path), MessageToDict(m.delta)
            drawn = delta.get("newElement") or delta.get("addBlock")
            if path == [0, 1] and "markdown" in (drawn or {}):
                status = drawn["markdown"]["body"]
            problems += _problems(drawn or {})
            if drawn is None or path[:2] != block:
                continue
            body = drawn.get("markdown", {}).get("body", "")
            if not body.startswith("Timings:"):
                elements[".".join(map(str, path[2:]))] = _clean(drawn)
        return Turn(question, seconds, elements, status, problems)


def _problems(drawn: dict) -> list[str]:
    if "exception" in drawn:
        return [f"exception: {drawn['exception'].get('message', '')}"]
    alert = drawn.get("alert", {})
    if alert.get("format") == "ERROR":
        return [f"error box: {alert.get('body', '')}"]
    return []
