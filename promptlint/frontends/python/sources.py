"""Where values that vary come from: qualified names of calls, and what each yields.

A call to one of these produces a hole labelled with why its value changes between
requests (rules.md, "holes"). Samples stand in for the value's size so a prefix
holding a timestamp can still be counted; None means the size is unknown. Users add
their own sources in config (``[tool.promptlint.python] volatile-sources``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...request import HoleKind


@dataclass(frozen=True)
class Source:
    kind: HoleKind
    sample: str | None


_NOW = Source(HoleKind.VOLATILE, "2026-11-22 04:34:45.123456")
_DAY = Source(HoleKind.VOLATILE, "2026-11-22")
_EPOCH = Source(HoleKind.VOLATILE, "1795355007.123456")
_UUID = Source(HoleKind.VOLATILE, "3f2b8c1e-9a4d-4e7b-b1c2-6d5e4f3a2b1c")
_NUMBER = Source(HoleKind.VOLATILE, "0.8444218515250481")
_HOST = Source(HoleKind.VOLATILE, "ip-10-0-0-12")
_ENV = Source(HoleKind.VOLATILE, None)

# Calls, by qualified name, whose result differs from one run, request or day to the next.
VOLATILE_CALLS: dict[str, Source] = {
    "datetime.datetime.now": _NOW,
    "datetime.datetime.utcnow": _NOW,
    "datetime.datetime.today": _NOW,
    "datetime.date.today": _DAY,
    "time.time": _EPOCH,
    "time.time_ns": Source(HoleKind.VOLATILE, "1795355007123456789"),
    "time.monotonic": _EPOCH,
    "time.monotonic_ns": _EPOCH,
    "time.perf_counter": _EPOCH,
    "time.perf_counter_ns": _EPOCH,
    "time.strftime": Source(HoleKind.VOLATILE, "2026-11-22 04:34:45"),
    "time.ctime": Source(HoleKind.VOLATILE, "Sun Nov 22 04:34:45 2026"),
    "time.asctime": Source(HoleKind.VOLATILE, "Sun Nov 22 04:34:45 2026"),
    "time.localtime": _NOW,
    "time.gmtime": _NOW,
    "uuid.uuid1": _UUID,
    "uuid.uuid4": _UUID,
    "os.getpid": Source(HoleKind.VOLATILE, "12345"),
    "os.getppid": Source(HoleKind.VOLATILE, "12345"),
    "socket.gethostname": _HOST,
    "socket.getfqdn": _HOST,
    "platform.node": _HOST,
    "os.getenv": _ENV,
    "os.environ.get": _ENV,
    "os.environ.__getitem__": _ENV,
    "itertools.count": Source(HoleKind.VOLATILE, "1"),
    "pendulum.now": _NOW,
    "pendulum.today": _DAY,
    "arrow.now": _NOW,
    "arrow.utcnow": _NOW,
    "django.utils.timezone.now": _NOW,
    "django.utils.timezone.localtime": _NOW,  # with no argument: the current time
    "django.utils.timezone.localdate": _DAY,
    "pandas.Timestamp.now": _NOW,
    "pandas.Timestamp.utcnow": _NOW,
}

# Every function of these modules returns something random (shuffle and sample reorder: below).
VOLATILE_MODULES = {"random": _NUMBER, "secrets": Source(HoleKind.VOLATILE, "a3f1c9e07b2d4e6f8a1c3e5f7b9d1f3a"), "numpy.random": _NUMBER}

# Calls that yield items in an order that is not fixed.
UNORDERED_CALLS = frozenset(
    {
        "os.listdir",
        "os.scandir",
        "os.walk",
        "glob.glob",
        "glob.iglob",
        "pathlib.Path.iterdir",
        "pathlib.Path.glob",
        "pathlib.Path.rglob",
    }
)
# Methods of a path value that list a folder.
UNORDERED_PATH_METHODS = frozenset({"iterdir", "glob", "rglob"})
RANDOM_ORDER = frozenset({"random.shuffle", "random.sample", "numpy.random.shuffle", "numpy.random.permutation"})


def volatile(qualname: str, extra: dict[str, Source]) -> Source | None:
    found = VOLATILE_CALLS.get(qualname) or extra.get(qualname)
    if found is not None:
        return found
    module, _, name = qualname.rpartition(".")
    if qualname in RANDOM_ORDER:
        return None
    if module in VOLATILE_MODULES and name and not name[0].isupper():
        return VOLATILE_MODULES[module]
    return None

# Objects whose contents come with each request or run: a web framework's request, the
# command line, standard input. Anything read from them is a per-request value.
PER_REQUEST_ROOTS = frozenset({"flask.request", "quart.request", "bottle.request", "sys.argv", "sys.stdin", "builtins.input", "fileinput.input"})


def per_request(qualname: str) -> bool:
    return any(qualname == root or qualname.startswith(root + ".") for root in PER_REQUEST_ROOTS)
