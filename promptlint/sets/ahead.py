"""A large log's per-request work done in a second process, ahead of the one that reads it in order.

``check`` and ``simulate`` take a log's requests in the order they were sent, and only
part of the work on a request depends on the requests before it (the cache simulation,
the set comparisons). The rest does not: its request rules, its token counts, its prefix
identities. On a machine with a core to spare, a forked copy of the process (the
*scout*) reads the same file, does that part for each request and sends it back in
batches through a pipe; the reading process takes each request's share as it comes to
it. What travels is small (findings, counts, 16-byte digests), far less than the request
itself, so it costs less than doing the work twice.

The scout only saves time: whatever it does not send (it failed, it fell behind its
batch, a record differs) the reading process works out itself, exactly as without it.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable

from ..checks.analysis import Analysis, Context
from ..frontends import ParseError
from ..frontends.jsonreq import records
from ..request import ShapeProblem
from .simulate import request_chain

# Smaller logs are read before a second process would have paid for starting.
SCOUT_BYTES = 2 << 20
# Requests per message through the pipe: enough to keep the pipe's cost per request small,
# few enough that the reader rarely waits for a batch to fill.
BATCH = 32
_READ_AHEAD = 1 << 20

Work = Callable[[Analysis], Any]


@dataclass(slots=True)
class Ahead:
    """What the scout worked out for one request."""

    line: int  # the record's line and its request's number in the set: the two
    index: int  # processes must read the same records, or nothing sent is trusted
    shape_problems: list[ShapeProblem]  # its request's, so that the reader need not check its shape
    totals: list  # Analysis.all_counts()
    chain: list[bytes]  # its prefix identity through each block (request_chain)
    extra: Any  # what the reader asked for besides (check: the request rules' findings)

    def give(self, a: Analysis) -> None:
        """Hand the counts and identities to the reader's analysis of this request."""
        a.given_counts(self.totals)
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
    """The reading side: each request's ``Ahead``, in order, or None once there is none."""

    def __init__(self, pid: int, pipe: BinaryIO) -> None:
        self.pid, self.pipe = pid, pipe
        self.batch: deque[Ahead] = deque()
        self.ended = False

    def peek(self, line: int) -> Ahead | None:
        """The scout's work on the record at ``line``, if it sent some (it is kept for ``take``)."""
        if not self.batch and not self.ended:
            try:
                self.batch.extend(pickle.load(self.pipe))
            except Exception:  # EOF: the scout is done, or it failed; the reader goes on alone
                self.close()
        if not self.batch or self.batch[0].line > line:  # none, or a line that holds no request
            return None
        if self.batch[0].line < line:  # a request the reader did not find: out of step, trust nothing more
            self.close()
            return None
        return self.batch[0]

    def shape_problems(self, line: int) -> list[ShapeProblem] | None:
        """``records``' ``shaped``: the shape problems the scout found on ``line``'s request."""
        found = self.peek(line)
        return found.shape_problems if found is not None else None

    def take(self, line: int, index: int) -> Ahead | None:
        """The scout's work on request ``index`` of the set, found at ``line``."""
        found = self.peek(line)
        if found is None:
            return None
        if found.index != index:  # the scout found a request the reader did not, or missed one
            self.close()
            return None
        self.batch.popleft()
        return found

    def close(self) -> None:
        if self.ended:
            return
        self.ended = True
        self.batch.clear()
        self.pipe.close()
        try:
            os.kill(self.pid, 9)  # it may be blocked writing a batch nobody will read
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def start(path: Path, shown: str, ctx: Context, work: Work) -> Scout | None:
    """A scout over the JSONL file at ``path``, or None where one would not pay."""
    if not worth_it(path, ctx):
        return None
    read, write = os.pipe()
    sys.stdout.flush()  # nothing buffered may be written twice
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the scout: never returns into the caller's frames
        status = 0
        try:
            os.close(read)
            with open(write, "wb", buffering=1 << 16) as out:
                _scout(path, shown, ctx, work, out)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    return Scout(pid, open(read, "rb", buffering=1 << 16))


def _scout(path: Path, shown: str, ctx: Context, work: Work, out: BinaryIO) -> None:
    batch: list[Ahead] = []
    index = 0
    with path.open("rb", buffering=_READ_AHEAD) as handle:
        for item in records(shown, handle, ctx.registry):
            if isinstance(item, ParseError):
                continue
            a = Analysis(item.request, ctx)
            extra = work(a)
            batch.append(Ahead(item.number, index, item.request.shape_problems, a.all_counts(), request_chain(a, index), extra))
            index += 1
            if len(batch) >= BATCH:
                pickle.dump(batch, out, pickle.HIGHEST_PROTOCOL)
                out.flush()
                batch = []
    if batch:
        pickle.dump(batch, out, pickle.HIGHEST_PROTOCOL)
