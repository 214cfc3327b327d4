"""A large log's per-request work done in a second process, ahead of the one that reads it in order.

``check`` and ``simulate`` take a log's requests in the order they were sent, and only
part of the work on a request depends on the requests before it (the cache simulation,
the set comparisons). Much of the rest does not: its shape (PL002), its request rules,
its token counts. On a machine with a core to spare, a forked copy of the process (the
*scout*) reads the same file, does that part for each request and sends it back in
batches through a pipe; the reading process takes each request's share as it comes to
it. What travels is small (findings, counts), far less than the request itself.

Both processes read and lower every record, so the split must balance, and the right
split depends on the log: the scout does the prefix identities too only while it is
well ahead of the reader; when the scout falls behind, the reader does not wait for
it but works alone and says how far it has come, and the scout skips to it.

The scout only saves time: whatever it does not send (it failed, a record differs)
the reading process works out itself, exactly as without it.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import struct
import sys
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..checks.analysis import Analysis, Context
from ..frontends import ParseError
from ..frontends.jsonreq import records
from ..request import ShapeProblem
from .simulate import request_chain

# Smaller logs are read before a second process would have paid for starting.
SCOUT_BYTES = 2 << 20
# Requests per message through the pipe: enough to keep the pipe's cost per request small;
# a batch goes sooner when the reader is within _LEAD requests of it.
BATCH = 32
_LEAD = 8
# How far ahead of the reader the scout must be to take on more of the work.
_SPARE = 2 * BATCH
_READ_AHEAD = 1 << 20

Work = Callable[[Analysis], Any]


@dataclass(slots=True)
class Ahead:
    """What the scout worked out for one request."""

    line: int  # the record's line and its request's number in the set: the two
    index: int  # processes must read the same records, or nothing sent is trusted
    shape_problems: list[ShapeProblem]  # its request's, so that the reader need not check its shape
    totals: list  # Analysis.all_counts()
    # Analysis.answers() and request_chain, when the scout had them already or time to spare.
    answers: dict | None
    chain: list[bytes] | None
    extra: Any  # what the reader asked for besides (check: the request rules' findings)

    def give(self, a: Analysis) -> None:
        """Hand the counts (and identities) to the reader's analysis of this request."""
        a.given_counts(self.totals)
        if self.answers is not None:
            a.given_answers(self.answers)
        if self.chain is not None:
            a.known_chain = (self.index, self.chain)


def worth_it(path: Path, ctx: Context) -> bool:
    """Whether a scout may run, and would pay, for the file at ``path``."""
    if ctx.api is not None:  # counts through the API are the user's to send, once
        return False
    if sys.platform != "linux" or threading.active_count() > 1:
        return False  # fork is only safe without other threads, and cheap on Linux
    pool = sys.modules.get("multiprocessing")
    if pool is not None and pool.parent_process() is not None:
        return False  # a worker of a parallel run: the other cores are busy
    try:
        return len(os.sched_getaffinity(0)) >= 2 and path.stat().st_size >= SCOUT_BYTES
    except OSError:
        return False


class Scout:
    """The reading side: each request's ``Ahead`` if the scout has sent it by the time
    the reader comes to the request, else None (and the reader does the work itself).

    The reader waits only for a request the scout is working on. When the scout is
    behind (at the start, while it imports the schemas, or on a run of costly requests)
    the reader works on alone, and says how far it has come (``progress``, shared
    memory) so that the scout skips to it.
    """

    def __init__(self, pid: int, pipe: int, progress: mmap.mmap) -> None:
        self.pid, self.pipe, self.progress = pid, pipe, progress
        os.set_blocking(pipe, False)
        self.received = bytearray()
        self.batch: deque[Ahead] = deque()
        self.ended = False

    def peek(self, line: int, index: int) -> Ahead | None:
        """The scout's work on request ``index`` of the set, if it is the record at ``line``
        and has come (it is kept for ``take``)."""
        if self.ended:
            return None
        _AT.pack_into(self.progress, 0, index)
        batch = self.batch
        while batch and batch[0].index < index:  # requests the reader worked out itself
            batch.popleft()
        if not batch:
            # Wait for the request if the scout has come to it (it is on its way); work
            # alone if the scout is still behind it.
            self._receive(wait=_SCOUT.unpack_from(self.progress, _AT.size)[0] >= index)
            while batch and batch[0].index < index:
                batch.popleft()
            if not batch:
                return None
        head = batch[0]
        if head.index == index and head.line < line:
            self.close()  # a request the scout found and the reader did not: trust nothing more
            return None
        # Only the very request is taken. A later one: the reader is ahead of the scout, or
        # at a line that holds no request (or the scout missed one: then none ever matches).
        return head if head.index == index and head.line == line else None

    def shape_problems(self, line: int, index: int) -> list[ShapeProblem] | None:
        """``records``' ``shaped``: the shape problems the scout found on ``line``'s request."""
        found = self.peek(line, index)
        return found.shape_problems if found is not None else None

    def take(self, line: int, index: int) -> Ahead | None:
        """``peek``, and done with it."""
        found = self.peek(line, index)
        if found is not None:
            self.batch.popleft()
        return found

    def _receive(self, wait: bool) -> None:
        """The batches that have come; with ``wait``, at least one (or the end)."""
        received = self.received
        done = False
        while True:
            try:
                chunk = os.read(self.pipe, 1 << 16)
            except BlockingIOError:
                if not wait or self._whole(received):
                    break
                if not select.select([self.pipe], [], [], _PATIENCE)[0]:
                    self.close()  # stuck (stopped, or starved of a core): go on alone
                    return
                continue
            if not chunk:  # the scout is done, or failed
                done = True
                break
            received += chunk
        while self._whole(received):
            (size,) = _SIZE.unpack_from(received)
            self.batch.extend(pickle.loads(memoryview(received)[_SIZE.size : _SIZE.size + size]))
            del received[: _SIZE.size + size]
        if done and not self.batch:
            self.close()

    @staticmethod
    def _whole(received: bytearray) -> bool:
        """Whether ``received`` starts with a whole batch."""
        return len(received) >= _SIZE.size and len(received) >= _SIZE.size + _SIZE.unpack_from(received)[0]

    def close(self) -> None:
        if self.ended:
            return
        self.ended = True
        self.batch.clear()
        os.close(self.pipe)
        try:
            os.kill(self.pid, signal.SIGKILL)  # it may be working on requests nobody will take
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self.progress.close()


def start(path: Path, shown: str, ctx: Context, work: Work) -> Scout | None:
    """A scout over the JSONL file at ``path``, or None where one would not pay."""
    if not worth_it(path, ctx):
        return None
    read, write = os.pipe()
    progress = mmap.mmap(-1, _AT.size + _SCOUT.size)  # MAP_SHARED: the two processes see each other's writes
    _AT.pack_into(progress, 0, -1)
    _SCOUT.pack_into(progress, _AT.size, -1)
    sys.stdout.flush()  # nothing buffered may be written twice
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the scout: never returns into the caller's frames
        status = 0
        try:
            os.close(read)
            _scout(path, shown, ctx, work, write, progress)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    return Scout(pid, read, progress)


_AT = struct.Struct("q")  # the request the reader has come to
_SCOUT = struct.Struct("q")  # the request the scout is working on, after it
# The longest the reader waits for a request the scout is working on (far more than any
# request takes) before it gives up on the scout.
_PATIENCE = 1.0
_SIZE = struct.Struct("<Q")  # a batch's length, before its pickle
_NO_PROBLEMS: list[ShapeProblem] = []


def _scout(path: Path, shown: str, ctx: Context, work: Work, out: int, progress: mmap.mmap) -> None:
    batch: list[Ahead] = []
    index = 0  # the request number the next record will have

    def reader_at() -> int:
        return _AT.unpack_from(progress)[0]

    def behind(line: int) -> list[ShapeProblem] | None:
        # A request the reader has come to already: lowered only to be counted, unchecked.
        return _NO_PROBLEMS if index <= reader_at() else None

    with path.open("rb", buffering=_READ_AHEAD) as handle:
        for item in records(shown, handle, ctx.registry, shaped=behind):
            if isinstance(item, ParseError):
                continue
            number, index = index, index + 1
            if number <= reader_at():
                continue
            _SCOUT.pack_into(progress, _AT.size, number)
            a = Analysis(item.request, ctx)
            extra = work(a)
            # The prefix identities cost about as much as the counts: the scout takes them
            # (and answers ``work`` did not need) on only while it is well ahead of the
            # reader, so that neither waits for the other.
            spare = number - reader_at() > _SPARE
            chain = request_chain(a, number) if spare else None
            answers = a.answers(known_only=not spare)
            batch.append(Ahead(item.number, number, item.request.shape_problems, a.all_counts(), answers, chain, extra))
            # Send when the batch is full, or when the reader is about to need it.
            if len(batch) >= BATCH or batch[0].index - reader_at() <= _LEAD:
                _send(out, batch)
                batch = []
    if batch:
        _send(out, batch)


def _send(out: int, batch: list[Ahead]) -> None:
    data = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
    view = memoryview(_SIZE.pack(len(data)) + data)
    while view:
        view = view[os.write(out, view) :]
