"""Asking a language model for the codes of many segments: concurrent requests up to a cap, each answer stored as
it arrives, so that an interrupted run loses nothing and a rerun asks only what is still unanswered.

An answer is stored under a prompt key: a hash of the prompt template's version, the codebook (definitions,
criteria, examples), the server, the model and the digest it reports, the temperature, the seed and the answer's
length. Change any of them and the segments are asked again.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field

from workbench.errors import NotFoundError
from workbench.llm.client import ChatClient, LLMRequestError, LLMServerError
from workbench.llm.config import LLMConfig, check_host, load_config, require_model
from workbench.llm.prompt import answer_schema, build_messages, template_name

SAVE_EVERY = 8  # answers written per transaction while a run goes on


@dataclass
class LLMSession:
    """A checked server and model, the codes offered, and the prompt key their answers are stored under."""

    config: LLMConfig
    codes: list[dict]
    info: dict
    remote: bool
    key: str = ""
    client: ChatClient | None = None
    stats: dict = field(default_factory=dict)

    def provenance(self) -> dict:
        return {**self.config.provenance(), "digest": self.info.get("digest"), "server": self.info.get("details"),
                "listed": self.config.model in self.info.get("models", []),
                "prompt_template": template_name(self.config.prompt),
                "prompt_key": self.key, "remote": self.remote}

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def prompt_key(codebook_sha256: str, config: LLMConfig, digest: str | None) -> str:
    canonical = json.dumps({"template": template_name(config.prompt), "codebook": codebook_sha256,
                            "url": config.url,
                            "model": config.model, "digest": digest, "temperature": config.temperature,
                            "seed": config.seed, "max_tokens": config.max_tokens,
                            "json_constraint": config.json_constraint}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def open_session(db, overrides: dict | None = None, code_ids: list[str] | None = None,
                 allow_remote: bool = False) -> LLMSession:
    """Check the settings (a model named, the host on loopback or allowed) and that the server answers; raises
    LLMConfigError, RemoteHostError or LLMServerError with what to do."""
    from workbench.autocode.provenance import codebook_sha256
    from workbench.store.codes import scope_codes

    config = require_model(load_config(db, **(overrides or {})))
    remote = check_host(config, allow_remote)
    codes = scope_codes(db, code_ids)
    if not codes:
        raise NotFoundError("the project has no codes to ask the model about",
                            hint="load a codebook first (`workbench codebook load FILE`)")
    client = ChatClient(config)
    try:
        info = client.server_info()
    except BaseException:
        client.close()
        raise
    session = LLMSession(config, codes, info, remote, client=client)
    session.key = prompt_key(codebook_sha256(db, code_ids), config, info.get("digest"))
    return session


def check_server(db, overrides: dict | None = None, allow_remote: bool = False) -> dict:
    """What the server says, asking only for its list of models: {url, model, listed, models, digest, details,
    remote}; raises as open_session does for a host not allowed or no server answering."""
    config = load_config(db, **(overrides or {}))
    remote = check_host(config, allow_remote)
    with ChatClient(config) as client:
        info = client.server_info()
    return {"url": config.url, "model": config.model, "listed": config.model in info["models"], **info,
            "remote": remote}


def _ask_one(session: LLMSession, segment: dict, neighbours: dict) -> dict:
    from workbench.llm.answers import read_answer

    before, after = neighbours.get(segment["segment_id"], (None, None))
    messages = build_messages(session.codes, segment["text"], segment.get("speaker"), before, after,
                              compact=session.config.prompt == "compact")
    started = time.perf_counter()
    text, meta = session.client.complete(messages, answer_schema([c["id"] for c in session.codes]))
    answer = read_answer(text, segment["text"], [c["id"] for c in session.codes])
    return {"segment_id": segment["segment_id"], "status": answer.status, "raw": text[:4000],
            "answer": {**answer.as_dict(), "format": meta.get("format"),
                       "system_fingerprint": meta.get("system_fingerprint")},
            "seconds": round(time.perf_counter() - started, 3)}


def ask_segments(db, session: LLMSession, segments: list[dict], progress=None) -> dict[int, dict]:
    """{segment id: stored answer} for these segments ({segment_id, text, speaker}), asking the server only for
    those not answered under the session's key. Fills session.stats (asked, reused, failed, malformed, dropped,
    seconds, segments per minute)."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from workbench.store.llm_answers import neighbour_turns, save_answers, stored_answers

    ids = [s["segment_id"] for s in segments]
    answers = stored_answers(db, session.key, ids)
    todo = [s for s in segments if s["segment_id"] not in answers]
    stats = {"segments": len(segments), "reused": len(answers), "asked": 0, "failed": 0, "malformed": 0,
             "dropped": {}, "seconds": 0.0, "last_error": None}
    neighbours = neighbour_turns(db, [s["segment_id"] for s in todo]) if todo else {}
    started, pending_rows, done = time.perf_counter(), [], len(answers)
    if progress:
        progress(done, len(segments))
    queue = iter(todo)
    try:
        with ThreadPoolExecutor(max_workers=session.config.concurrency) as pool:
            running = set()
            while True:
                while len(running) < session.config.concurrency:  # never more than the cap in flight
                    segment = next(queue, None)
                    if segment is None:
                        break
                    running.add(pool.submit(_ask_one, session, segment, neighbours))
                if not running:
                    break
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    try:
                        row = future.result()
                    except LLMRequestError as exc:
                        stats["failed"] += 1
                        stats["last_error"] = exc.message
                        continue
                    except LLMServerError:
                        for other in running:
                            other.cancel()
                        raise
                    pending_rows.append(row)
                    answers[row["segment_id"]] = row
                    stats["asked"] += 1
                    done += 1
                if len(pending_rows) >= SAVE_EVERY:
                    save_answers(db, session.key, session.config.model, pending_rows)
                    pending_rows = []
                if progress:
                    progress(done, len(segments))
    finally:  # what was answered is kept, however the run ends (Ctrl-C, a server that went away...)
        save_answers(db, session.key, session.config.model, pending_rows)
        stats["seconds"] = round(time.perf_counter() - started, 2)
    for row in answers.values():
        stats["malformed"] += row["status"] == "malformed"
        stats["system_fingerprint"] = row["answer"].get("system_fingerprint") or stats.get("system_fingerprint")
        for reason, n in (row["answer"].get("dropped") or {}).items():
            stats["dropped"][reason] = stats["dropped"].get(reason, 0) + n
    stats["segments_per_minute"] = (round(60 * stats["asked"] / max(stats["seconds"], 0.01), 1) if stats["asked"]
                                    else None)  # a quick run rounds to 0 seconds
    session.stats = stats
    if todo and stats["failed"] == len(todo):
        raise LLMServerError(f"the server at {session.config.url} answered none of {len(todo)} requests "
                             f"({stats['last_error']})",
                             hint="check that it is running and has the model; answered segments are kept, "
                                  "so running again asks only the rest")
    return answers


def describe_stats(stats: dict) -> str:
    """One line on how an llm run went: asked, reused, failed, dropped codes and speed."""
    dropped = ", ".join(f"{n} {why}" for why, n in sorted((stats.get("dropped") or {}).items()))
    parts = [f"{stats.get('asked', 0)} segments asked, {stats.get('reused', 0)} answered before"]
    if stats.get("failed"):
        parts.append(f"{stats['failed']} failed (asked again next time; last error: {stats.get('last_error')})")
    if stats.get("malformed"):
        parts.append(f"{stats['malformed']} answers unreadable")
    if dropped:
        parts.append(f"codes dropped: {dropped}")
    if stats.get("segments_per_minute"):
        parts.append(f"{stats['segments_per_minute']} segments a minute")
    return "llm: " + "; ".join(parts) + "."
