"""A stand-in OpenAI-compatible LLM server, for the minutes tests and the API's (`tests.api.test_minutes`).

The stand-in is a real HTTP server (FastAPI under uvicorn, in a thread) speaking
`POST /v1/chat/completions` as vLLM or Ollama do: it refuses requests that do not ask for a strict
JSON schema, reads the segment lines `[id] hh:mm:ss speaker: text` of the prompt and answers a
deterministic chunk of minutes. Every answer also holds one statement citing no segment and one
citing a segment that does not exist, which the client must drop. Modules use the fixtures with
`from tests.minutes.llm_standin import llm_server, standin`.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

__all__ = ["NONEXISTENT_ID", "StandIn", "llm_server", "standin"]

NONEXISTENT_ID = 987_654
_LINE = re.compile(r"^\[(\d+)\] \d\d:\d\d:\d\d ([^:]+): (.*)$", re.MULTILINE)


def _strict(schema: dict[str, Any]) -> list[str]:
    """Where a JSON schema breaks OpenAI strict mode (every object closed, every property required)."""
    problems = []
    for name, node in [("root", schema), *schema.get("$defs", {}).items()]:
        stack = [(name, node)]
        while stack:
            where, part = stack.pop()
            if not isinstance(part, dict):
                continue
            if part.get("type") == "object":
                if part.get("additionalProperties") is not False:
                    problems.append(f"{where}: additionalProperties")
                if set(part.get("required", [])) != set(part.get("properties", {})):
                    problems.append(f"{where}: not all required")
            for key, value in part.items():
                if isinstance(value, dict):
                    stack.append((f"{where}.{key}", value))
                elif isinstance(value, list):
                    stack += [(f"{where}.{key}", v) for v in value]
    return problems


def _answer(prompt: str) -> dict[str, Any]:
    lines = [(int(i), speaker, text) for i, speaker, text in _LINE.findall(prompt)]
    ids = [i for i, _, _ in lines]
    continues = "Mục đang bàn ở đoạn trước" in prompt
    interventions = [
        {"speaker": speaker, "summary": text[:120], "source_segments": [i]}
        for i, speaker, text in lines
        if len(text.split()) > 12
    ]
    interventions += [
        {"speaker": "Không rõ", "summary": "Ý kiến không có căn cứ.", "source_segments": []},
        {"speaker": "Không rõ", "summary": "Ý kiến dẫn đoạn không tồn tại.", "source_segments": [NONEXISTENT_ID]},
    ]
    votes = [
        {
            "motion": "Thông qua nghị quyết",
            "in_favour": 29,
            "against": 1,
            "abstain": 0,
            "total": 30,
            "passed": True,
            "source_segments": [i],
        }
        for i, _, text in lines
        if "tán thành" in text and "29/30" in text
    ]
    tasks = [
        {"assignee": text.split()[1], "action": text[:80], "deadline": None, "source_segments": [i]}
        for i, _, text in lines
        if text.startswith("Giao ")
    ]
    conclusions = [{"text": text, "source_segments": [i]} for i, _, text in lines if "kết luận" in text]
    return {
        "items": [
            {
                "title": f"Nội dung từ đoạn {ids[0]}" if ids else "Trống",
                "continues_previous": continues,
                "source_segments": ids,
                "interventions": interventions,
                "conclusions": conclusions,
                "votes": votes,
                "tasks": tasks,
            }
        ]
    }


@dataclass
class StandIn:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0
    """Answer this many next requests with HTTP 500 (to test errors and retries)."""
    delay_s: float = 0.0
    """Think this long before answering (a slow model: to cancel or edit while a job runs)."""


def _app(state: StandIn) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> JSONResponse:
        body = await request.json()
        state.requests.append(body)
        await asyncio.sleep(state.delay_s)
        if state.fail_next > 0:
            state.fail_next -= 1
            return JSONResponse({"error": {"message": "overloaded", "type": "server_error"}}, status_code=500)
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema")
        if fmt.get("type") != "json_schema" or not fmt["json_schema"].get("strict") or not schema:
            return JSONResponse({"error": {"message": "json_schema strict required"}}, status_code=400)
        if problems := _strict(schema):
            return JSONResponse({"error": {"message": f"schema not strict: {problems}"}}, status_code=400)
        prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
        content = json.dumps(_answer(prompt), ensure_ascii=False)
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(state.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": len(content) // 4, "total_tokens": 0},
            }
        )

    return app


@pytest.fixture(scope="session")
def llm_server() -> Iterator[StandIn]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state = StandIn(url=f"http://127.0.0.1:{port}/v1")
    server = uvicorn.Server(uvicorn.Config(_app(state), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "stand-in LLM server did not start"
    yield state
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def standin(llm_server: StandIn) -> StandIn:
    llm_server.requests.clear()
    llm_server.fail_next = 0
    llm_server.delay_s = 0.0
    return llm_server
