"""Scoring chunks in this process or in a pool of workers, each loading the model once, in input order."""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import signal
from collections import deque
from collections.abc import Iterator
from typing import Any

from reviewbait.errors import BatchError, ReviewbaitError
from reviewbait.io.interrupts import signals_deferred
from reviewbait.io.sources import _Chunk

# --------------------------------------------------------------------------- scoring: in-process or a pool

_WORKER: dict[str, Any] = {}
# The model the forkserver should load before forking workers (JSON: model, threshold, trusted).
PRELOAD_ENV = "REVIEWBAIT_FORKSERVER_MODEL"


def _model_spec(model: str | None, threshold: str | float, trusted: bool) -> str:
    return json.dumps([model, threshold, trusted])


def preload_in_forkserver() -> None:
    """Load and warm the model in the forkserver, so that every worker forked from it shares
    the model's pages (less memory) and starts scoring at once. Runs on import of
    :mod:`reviewbait.io.forkserver_preload`; any failure is left to the worker initializer, which
    loads the model itself and reports the error with the first chunk."""
    spec = os.environ.get(PRELOAD_ENV)
    if not spec:
        return
    try:
        from reviewbait.detector import Detector

        model, threshold, trusted = json.loads(spec)
        detector = Detector.load(model, threshold=threshold, trusted=trusted)
        detector.score_columns(["Leave a 5-star review and get a free gift card!"])  # builds the lazy parts
        from reviewbait.text.cues import prepare_cue_search

        prepare_cue_search()  # and the cue search's RE2 supersets, which a first text alone does not build
        _WORKER["preloaded"] = (spec, detector)
    except Exception:  # reported by the worker initializer instead
        _WORKER.pop("preloaded", None)
    # Everything loaded so far lives as long as the server: moved out of the collector's
    # reach, a worker's garbage collections no longer write to the model's object headers,
    # so its pages stay shared with the server instead of being copied into every worker
    # as a long run goes on (what the Python docs recommend for fork without exec).
    gc.freeze()


def _init_worker(model: str | None, threshold: str | float, trusted: bool) -> None:
    """Pool initializer: load the model once per worker; a failure is raised with the first chunk."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    spec, detector = _WORKER.get("preloaded", (None, None))
    if spec == _model_spec(model, threshold, trusted):
        _WORKER["detector"] = detector  # inherited from the forkserver: verified there
        return
    try:
        from reviewbait.detector import Detector

        _WORKER["detector"] = Detector.load(model, threshold=threshold, trusted=trusted)
    except BaseException as exc:
        _WORKER["error"] = exc


def _score_in_worker(texts: list[Any]) -> tuple[float, dict[str, Any]]:
    if "error" in _WORKER:
        raise _WORKER["error"]
    detector = _WORKER["detector"]
    return detector.threshold, detector.score_columns(texts)


def _worker_count(jobs: int | None) -> int:
    if jobs is not None:
        if jobs < 1:
            raise BatchError(f"--jobs must be at least 1, got {jobs}")
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Scorer:
    """Scores chunks in order: in this process, or in a pool with a bounded number in flight."""

    def __init__(
        self, model: str | None, threshold: str | float, trusted: bool, jobs: int, detector: Any = None
    ) -> None:
        self._model = (model, threshold, trusted)
        self._jobs = jobs
        self._pool: Any = None
        self._detector: Any = detector
        self._given = detector is not None  # a loaded model (the server's): scored here, at options.threshold
        self.threshold = detector.resolve_threshold(threshold) if detector is not None else math.nan

    def _local(self, texts: list[Any]) -> dict[str, Any]:
        if self._given:
            return dict(self._detector.score_columns(texts, threshold=self.threshold))
        if self._detector is None:
            from reviewbait.detector import Detector

            model, threshold, trusted = self._model
            with signals_deferred():  # Ctrl-C during the load stops cleanly
                self._detector = Detector.load(model, threshold=threshold, trusted=trusted)
            self.threshold = self._detector.threshold
        return dict(self._detector.score_columns(texts))

    def run(self, chunks: Iterator[tuple[_Chunk, list[Any]]], *, single: bool) -> Iterator[tuple[_Chunk, dict]]:
        # ``single``: the whole input fit in the first chunk (--chunk-size rows, 5,000 by default).
        # It is scored here: starting workers (a forkserver, a model load each) would cost more
        # than scoring it, so a 2-row file starts no pool.
        if self._jobs == 1 or single or self._given:
            for chunk, texts in chunks:
                yield chunk, self._local(texts)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context: Any
        initargs = self._model
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            # workers fork from a server that imported reviewbait and loaded the model once:
            # quicker start, shared pages. The server reads the model to load from the
            # environment it starts with (only the first pool of a process starts it).
            context.set_forkserver_preload(["reviewbait.io.forkserver_preload"])
        else:
            context = multiprocessing.get_context("spawn")
        previous = os.environ.get(PRELOAD_ENV)
        os.environ[PRELOAD_ENV] = _model_spec(*initargs)
        try:
            with signals_deferred():  # a pool stopped half-started leaves its children failing
                # an executor, not multiprocessing.Pool: a worker killed (kill -9, the
                # out-of-memory killer) breaks it and fails every pending chunk at once,
                # where a Pool replaces the worker and waits for the lost chunk forever
                self._pool = ProcessPoolExecutor(
                    self._jobs, mp_context=context, initializer=_init_worker, initargs=initargs
                )
                self._pool.submit(int).result()  # start the workers (and the forkserver) now
        finally:
            if previous is None:
                os.environ.pop(PRELOAD_ENV, None)
            else:
                os.environ[PRELOAD_ENV] = previous
        inflight: deque[tuple[_Chunk, Any]] = deque()
        limit = 2 * self._jobs
        for chunk, texts in chunks:
            inflight.append((chunk, self._submit(texts)))
            while len(inflight) >= limit or (inflight and inflight[0][1].done()):
                yield self._collect(*inflight.popleft())
        while inflight:
            yield self._collect(*inflight.popleft())

    def _submit(self, texts: list[Any]) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._pool.submit(_score_in_worker, texts)
        except BrokenProcessPool:
            raise WorkerDied(_WORKER_DIED) from None

    def _collect(self, chunk: _Chunk, result: Any) -> tuple[_Chunk, dict[str, Any]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            threshold, scored = result.result()
        except BrokenProcessPool:
            raise WorkerDied(_WORKER_DIED) from None
        self.threshold = threshold
        return chunk, scored

    def close(self, *, ok: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not ok:
            # stop the workers now: a chunk in progress is not waited for
            terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
            if terminate is not None:
                terminate()
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
        pool.shutdown(wait=True, cancel_futures=not ok)


_WORKER_DIED = (
    "a worker process died while scoring (killed by a signal, or by the system when memory ran out); "
    "no output written. Run again, with fewer --jobs or a smaller --chunk-size if memory is short"
)


class WorkerDied(ReviewbaitError, RuntimeError):
    """A worker process ended without answering: the run stops instead of waiting forever."""
