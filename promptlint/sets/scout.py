"""A large log's per-request work done in a second process, ahead of the one that reads it in order.

``check`` and ``simulate`` take a log's requests in the order they were sent, and only
part of the work on a request depends on the requests before it (the cache simulation,
the set comparisons). Much of the rest does not: its shape (PL002), its request rules,
its token counts. On a machine with a core to spare, a forked copy of the process (the
*scout*) reads the same open file, does that part for each request and sends it back in
batches through a pipe; the reading process takes each request's share as it comes to
it. What travels is small (findings, counts), far less than the request itself.

Both processes read and lower every record, so the split must balance, and the right
split depends on the log: the scout does the prefix identities too only while it is
well ahead of the reader; when the scout falls behind, the reader does not wait for
it but works alone and says how far it has come, and the scout skips to it.

The scout only saves time: whatever it does not send (it failed, it was too slow, a
record differs) the reading process works out itself, exactly as without it.
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
from typing import Callable

from ..checks.analysis import Analysis, Answers, Context
from ..diagnostic import Diagnostic
from ..frontends import ParseError
from ..frontends.jsonreq import READ_AHEAD, records
from ..request import ShapeProblem
from .simulate import request_chain

# Smaller logs are read before a second process would have paid for starting.
SCOUT_BYTES = 2 << 20
# Requests per message through the pipe: enough to keep the pipe's cost per request small.
BATCH = 32
# A batch goes before it is full when the reader is this close to it: it would wait otherwise.
_LEAD = 8
# How far ahead of the reader the scout must be to take on more of the work.
_SPARE = 2 * BATCH
# The longest the reader waits for the request the scout is on, before it works it out
# itself: far more than a request takes, unless the scout is starved of its core.
_PATIENCE = 0.5
# The scout runs with this much less stack than the reader: a record it can work out, the
# reader could too, and one nested too deeply for it is the reader's to say (never a
# result that depends on which process went deeper).
_LESS_STACK = 100

# The shared page: the request the reader has come to (written by the reader only), then
# the one the scout is working on (by the scout only).
_AT = struct.Struct("q")
_READER, _SCOUT = 0, _AT.size
_SIZE = struct.Struct("<Q")  # a batch's length, before its pickle
_NO_PROBLEMS: list[ShapeProblem] = []

RequestRules = Callable[[Analysis], list[Diagnostic]]


@dataclass(slots=True)
class Scouted:
    """What the scout worked out for one request."""

    # The record's line and the request's number in the set: the two processes must have
    # read the same records, or nothing sent is taken.
    line: int
    index: int
    shape_problems: list[ShapeProblem]  # so that the reader need not check its shape
    totals: list  # Analysis.all_counts()
    # Worked out when the scout had them already or time to spare (None: the reader's to do).
    answers: Answers | None
    chain: list[bytes] | None  # request_chain
    findings: list[Diagnostic] | None  # the request rules', when the reader asked for them

    def give(self, a: Analysis) -> None:
        """Hand the counts (and what else came) to the reader's analysis of this request."""
        a.given_counts(self.totals)
        if self.answers is not None:
            a.given_answers(self.answers)
        if self.chain is not None:
            a.known_chain = (self.index, self.chain)


def worth_it(size: int, ctx: Context) -> bool:
    """Whether a scout may run, and would pay, for a file of ``size`` bytes."""
    if ctx.api is not None:  # counts through the API are the user's to send, once
        return False
    if sys.platform != "linux" or _threads() != 1:
        return False  # fork is safe only without other threads (native ones too), and cheap on Linux
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.parent_process() is not None:
        return False  # a worker of a parallel run: the other cores are busy
    try:
        return size >= SCOUT_BYTES and _cores() >= 2
    except OSError:
        return False


def _threads() -> int:
    """The process's threads, as the kernel counts them (threading sees only Python's)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))
    except (OSError, StopIteration, ValueError):
        return threading.active_count()


def _cores() -> float:
    """Cores this process may use: its CPU affinity, within its cgroup's quota (a container's ``--cpus``)."""
    cores: float = len(os.sched_getaffinity(0))
    for quota_file, period_file in (("/sys/fs/cgroup/cpu.max", None), ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu/cpu.cfs_period_us")):
        try:
            with open(quota_file, encoding="ascii") as f:
                fields = f.read().split()
            if period_file is not None:
                with open(period_file, encoding="ascii") as f:
                    fields.append(f.read().strip())
            quota, period = fields[0], fields[1]
            if quota not in ("max", "-1"):
                cores = min(cores, int(quota) / int(period))
        except (OSError, IndexError, ValueError, ZeroDivisionError):
            continue
    return cores


class Scout:
    """The reading side: each request's ``Scouted`` if the scout has sent it by the time
    the reader comes to the request, else None (and the reader does the work itself).

    The reader waits only for the request the scout is working on. When the scout is
    behind (at the start, while it imports the schemas, or on a run of costly requests)
    the reader works on alone, and says how far it has come (``progress``, a page both
    processes share) so that the scout skips to it.
    """

    def __init__(self, pid: int, pidfd: int | None, pipe: int, progress: mmap.mmap) -> None:
        self.pid, self.pidfd, self.pipe, self.progress = pid, pidfd, pipe, progress
        os.set_blocking(pipe, False)
        self.poll = select.poll()  # not select(): a host process may hold over 1,024 files
        self.poll.register(pipe, select.POLLIN)
        self.received = bytearray()
        self.batch: deque[Scouted] = deque()
        self.waited_for = -1  # the last request waited for: never twice
        self.ended = False

    def shape_problems(self, line: int, index: int) -> list[ShapeProblem] | None:
        """``records``' ``known_shape``: the shape problems of ``line``'s request, if it is
        request ``index`` and the scout has sent it."""
        found = self._match(line, index)
        return found.shape_problems if found is not None else None

    def take(self, line: int, index: int) -> Scouted | None:
        """The scout's work on request ``index``, found at ``line``, if it has come."""
        found = self._match(line, index)
        if found is not None:
            self.batch.popleft()
        elif self.batch and self.batch[0].index == index and self.batch[0].line > line:
            self.close()  # the scout missed this request: none of its results will match again
        return found

    def _match(self, line: int, index: int) -> Scouted | None:
        """The head of what has come, if it is request ``index`` at ``line``. Says the reader
        has come to ``index``, and drops what came for requests before it."""
        if self.ended:
            return None
        _AT.pack_into(self.progress, _READER, index)
        batch = self.batch
        while batch and batch[0].index < index:  # requests the reader worked out itself
            batch.popleft()
        if not batch:
            wait = _worth_waiting(_AT.unpack_from(self.progress, _SCOUT)[0], index) and self.waited_for < index
            if wait:
                self.waited_for = index
            self._receive(wait)
            while batch and batch[0].index < index:
                batch.popleft()
            if not batch:
                return None
        head = batch[0]
        if head.index == index and head.line < line:
            self.close()  # a request the scout found and the reader did not: trust nothing more
            return None
        return head if head.index == index and head.line == line else None

    def _receive(self, wait: bool) -> None:
        """The batches that have come; with ``wait``, at least one, or the end, or _PATIENCE."""
        received = self.received
        done = False
        while True:
            try:
                chunk = os.read(self.pipe, 1 << 16)
            except BlockingIOError:
                if wait and not self._whole(received) and self.poll.poll(_PATIENCE * 1000):
                    continue
                break
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
        self.progress.close()
        # It may be working on requests nobody will take. Through its pidfd, a signal
        # cannot reach another process that got its number after it was reaped elsewhere
        # (a host that ignores SIGCHLD reaps children itself).
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped already
            pass
        if self.pidfd is not None:
            os.close(self.pidfd)


def _worth_waiting(scout_at: int, index: int) -> bool:
    """The request the scout is on is as good as here; one it has not come to, the reader
    works out faster itself."""
    return scout_at >= index


def start(handle, shown: str, ctx: Context, rules: RequestRules | None) -> Scout | None:
    """A scout over the JSONL file open as ``handle`` (``rules``: the request rules to run on
    each request for the reader), or None where one would not pay or cannot start."""
    if not worth_it(os.fstat(handle.fileno()).st_size, ctx):
        return None
    opened: list = []
    pid = -1
    try:
        read, write = os.pipe()
        opened += [read, write]
        progress = mmap.mmap(-1, 2 * _AT.size)  # MAP_SHARED: each process sees the other's writes
        opened.append(progress)
        _AT.pack_into(progress, _READER, -1)
        _AT.pack_into(progress, _SCOUT, -1)
        # Ctrl-C between the fork and the scout's own handling would unwind the caller's
        # frames in the child: it waits, blocked, until the child is in its ``try``.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            pid = os.fork()
        finally:
            if pid != 0:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    except OSError:  # no pipe, page or process to be had (a pids limit): read alone
        for thing in opened:
            thing.close() if isinstance(thing, mmap.mmap) else os.close(thing)
        return None
    if pid == 0:  # the scout: never returns into the caller's frames
        status = 0
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read)
            sys.setrecursionlimit(max(sys.getrecursionlimit() - _LESS_STACK, 200))
            # The file the reader has open, not its path: a log rotated or rewritten since
            # must not be read in its place.
            with open(f"/proc/self/fd/{handle.fileno()}", "rb", buffering=READ_AHEAD) as own:
                _scout(own, shown, ctx, rules, write, progress)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write)
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):  # before Linux 5.3
        pidfd = None
    return Scout(pid, pidfd, read, progress)


def _scout(handle, shown: str, ctx: Context, rules: RequestRules | None, out: int, progress: mmap.mmap) -> None:
    batch: list[Scouted] = []
    index = 0  # the request number the next record will have

    def reader_at() -> int:
        return _AT.unpack_from(progress, _READER)[0]

    def behind(line: int) -> list[ShapeProblem] | None:
        # A request the reader has come to already: lowered only to be counted, unchecked.
        return _NO_PROBLEMS if index <= reader_at() else None

    for item in records(shown, handle, ctx.registry, known_shape=behind):
        if isinstance(item, ParseError):
            continue
        number, index = index, index + 1
        if number <= reader_at():
            continue
        _AT.pack_into(progress, _SCOUT, number)
        try:
            a = Analysis(item.request, ctx)
            findings = rules(a) if rules is not None else None
            # The prefix identities cost about as much as the counts: the scout takes them
            # (and answers the rules did not need) on only while it is well ahead of the
            # reader, so that neither waits for the other.
            spare = number - reader_at() > _SPARE
            chain = request_chain(a, number) if spare else None
            scouted = Scouted(item.number, number, item.request.shape_problems, a.all_counts(), a.answers(known_only=not spare), chain, findings)
        except RecursionError:  # nested too deeply for the scout's stack: the reader's to say
            continue
        batch.append(scouted)
        if len(batch) >= BATCH or batch[0].index - reader_at() <= _LEAD:
            _send(out, batch)
            batch = []
    if batch:
        _send(out, batch)


def _send(out: int, batch: list[Scouted]) -> None:
    data = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
    view = memoryview(_SIZE.pack(len(data)) + data)
    while view:
        view = view[os.write(out, view) :]
