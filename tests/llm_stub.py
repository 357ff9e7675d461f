"""A stub OpenAI-compatible server on a free loopback port, for tests of the `llm` method without a model.

    with StubServer(answer=lambda passage, payload: '{"codes": []}') as server:
        server.url   # http://127.0.0.1:PORT/v1

`answer(passage, payload)` returns the reply's text, or (status, body) to answer with an HTTP error. Every
request's payload is kept in `server.requests`; `refuse_formats` lists response_format types answered with 400.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSAGE = re.compile(r"PASSAGE(?: \([^)]*\))?:\n(.*?)\n(?:Turn after|Which codes)", re.S)


def passage_of(payload: dict) -> str:
    """The passage a coding prompt asks about."""
    found = PASSAGE.search(payload["messages"][-1]["content"])
    return found.group(1) if found else ""


class StubServer:
    def __init__(self, answer=None, models=("stub-model",), refuse_formats=(), digest=None):
        self.answer = answer or (lambda passage, payload: '{"codes": []}')
        self.models, self.refuse_formats, self.digest = list(models), set(refuse_formats), digest
        self.requests: list[dict] = []
        self.in_flight = self.most_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.handle_error = self._handle_error
        # polling every 20 ms (not 500) so that the many short tests using it do not each wait at its stop
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._report_error = ThreadingHTTPServer.handle_error.__get__(self._server)

    def _handle_error(self, request, client_address) -> None:
        """Quiet about a client that hung up before its answer was written (a client timeout is no error here)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            self._report_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body) -> None:
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/v1/models":
                    self._send(200, {"object": "list", "data": [
                        {"id": m, "object": "model", "owned_by": "stub", **({"digest": stub.digest} if stub.digest
                                                                           else {})} for m in stub.models]})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with stub._lock:
                    stub.requests.append(payload)
                    stub.in_flight += 1
                    stub.most_in_flight = max(stub.most_in_flight, stub.in_flight)
                try:
                    status, body = self._reply(payload)
                finally:  # counted out before the answer leaves, so the client's next request never overlaps it
                    with stub._lock:
                        stub.in_flight -= 1
                self._send(status, body)

            def _reply(self, payload: dict) -> tuple[int, object]:
                form = (payload.get("response_format") or {}).get("type")
                if form in stub.refuse_formats:
                    return 400, {"error": f"response_format {form} not supported"}
                reply = stub.answer(passage_of(payload), payload)
                if isinstance(reply, tuple):
                    return reply
                return 200, {"id": "x", "object": "chat.completion", "model": payload.get("model"),
                             "system_fingerprint": "stub-1",
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": reply}}]}

        return Handler
