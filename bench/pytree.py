"""Time promptlint against pcdlint on the two Python source trees of peers.md.

    python bench/pytree.py [--runs 3] [--trees anthropic,stdlib] [--skip-pcdlint]
                           [--cache bench/.trees] [--json OUT.json]

Prepares, once, into the cache folder (reused by later runs):

- ``anthropic-2.12.0/``: ``pip install --no-deps --target DIR anthropic==2.12.0``
  (peers.md: 2,985 ``.py`` files, 199,920 lines);
- ``stdlib-3.11/``: a copy of the running interpreter's ``lib/python3.X`` without
  ``site-packages`` (and without ``__pycache__``; peers.md: 1,790 files, 858,237 lines
  for CPython 3.11), so neither tool's venv detection or excludes see a different tree;
- ``small/cached_client.py``: a ~40-line module with an Anthropic call (pre-commit latency);
- ``venv-pcdlint-0.3.0/``: a venv with ``pcdlint==0.3.0`` (it keeps no result cache:
  every run analyses every file);
- ``pyproject.toml`` with empty ``[tool.promptlint]`` and ``[tool.pcdlint]`` tables, so
  both tools run with their defaults whatever the enclosing repository configures.

Then times, in this one run, each command as a subprocess (median of --runs wall-clock
runs; peak RSS of the child and the children it reaped, from ``wait4``):
``promptlint check --no-cache --exit-zero --format concise TREE`` and
``pcdlint check TREE`` on each tree and on the small file; on the stdlib tree also
promptlint with its result cache, cold (``promptlint clean`` first) and warm (unchanged
tree), and promptlint forced serial and forced onto its process pool. Lines are counted
as newline bytes, as peers.md did. Compare ratios measured in one run, not absolute seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

ANTHROPIC = "anthropic==2.12.0"
PCDLINT = "pcdlint==0.3.0"
TREES = ("anthropic", "stdlib")
PEERS = {  # peers.md, "Numbers to beat" (2 cores, median of 3)
    "anthropic": {"files": 2985, "lines": 199920, "pcdlint_s": 6.96, "pcdlint_mib": 29},
    "stdlib": {"files": 1790, "lines": 858237, "pcdlint_s": 55.5, "pcdlint_mib": 57},
    "small": {"pcdlint_s": 0.11},
}

# promptlint's engine decides on its process pool by itself (engine.POOL_THRESHOLD files
# and engine.POOL_BYTES bytes); it has no option or environment variable to force either
# way, so the forced runs set those module attributes before the CLI starts, as
# bench/tree.py does in-process. Nothing in promptlint is changed.
FORCE = (
    "import promptlint.engine as e; "
    "assert hasattr(e, 'POOL_THRESHOLD') and hasattr(e, 'POOL_BYTES'), 'engine pool knobs renamed: fix bench/pytree.py'; "
    "e.POOL_THRESHOLD, e.POOL_BYTES = {threshold}, {size}; "
    "from promptlint.cli import main; main()"
)

SMALL = '''\
"""Answer support questions about an order, with the policy prefix cached."""

from __future__ import annotations

import json

import anthropic

MODEL = "claude-sonnet-4-6"
POLICY = """You are the support assistant of a home goods store. Check the order
history before replying, quote order numbers back, never promise delivery dates
the carrier has not confirmed, and hand over to a human for refunds above the
automatic limit or for any safety issue."""

client = anthropic.Anthropic()


def order_context(order: dict) -> str:
    return json.dumps(order, sort_keys=True)


def answer(question: str, order: dict) -> str:
    response = client.messages.create(
        model=MODEL,
        max_tokens=512,
        system=[
            {"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}},
        ],
        messages=[
            {"role": "user", "content": f"Order: {order_context(order)}\\n\\n{question}"},
        ],
    )
    return "".join(block.text for block in response.content if block.type == "text")


if __name__ == "__main__":
    print(answer("Where is my order?", {"id": "A-1001", "status": "shipped"}))
'''

ISOLATE = """\
# Written by bench/pytree.py: both tools run with their defaults on the trees below,
# whatever the repository around this folder configures.
[tool.promptlint]

[tool.pcdlint]
"""


# ----------------------------------------------------------------------------- preparing


def count_py(tree: Path) -> tuple[int, int, int]:
    """(.py files, lines, bytes) under ``tree``; lines are newline bytes."""
    files = lines = size = 0
    for folder, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(".py"):
                data = Path(folder, name).read_bytes()
                files += 1
                lines += data.count(b"\n")
                size += len(data)
    return files, lines, size


def _ready(stamp: Path, build) -> None:
    """Run ``build`` unless ``stamp`` says a previous run finished it."""
    if stamp.exists():
        return
    build()
    stamp.write_text(time.strftime("%Y-%m-%dT%H:%M:%S") + "\n", encoding="utf-8")


def prepare_anthropic(cache: Path) -> Path:
    tree = cache / "anthropic-2.12.0"

    def build() -> None:
        shutil.rmtree(tree, ignore_errors=True)
        print(f"installing {ANTHROPIC} (source only) into {tree}", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--target", str(tree), ANTHROPIC],
            check=True,
        )

    _ready(cache / "anthropic-2.12.0.ok", build)
    return tree


def prepare_stdlib(cache: Path) -> Path:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    tree = cache / f"stdlib-{version}"
    source = Path(sysconfig.get_paths()["stdlib"])

    def build() -> None:
        shutil.rmtree(tree, ignore_errors=True)
        print(f"copying {source} without site-packages into {tree}", file=sys.stderr)
        shutil.copytree(source, tree, symlinks=True, ignore=shutil.ignore_patterns("site-packages", "__pycache__"))

    _ready(cache / f"stdlib-{version}.ok", build)
    return tree


def prepare_small(cache: Path) -> Path:
    path = cache / "small" / "cached_client.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != SMALL:
        path.write_text(SMALL, encoding="utf-8")
    return path


def prepare_peer(cache: Path, requirement: str) -> Path:
    """A venv of its own with ``requirement`` (``name==version``) installed; its scripts folder."""
    name = requirement.replace("==", "-")
    venv = cache / f"venv-{name}"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")

    def build() -> None:
        shutil.rmtree(venv, ignore_errors=True)
        print(f"creating {venv} with {requirement}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", requirement], check=True)

    _ready(cache / f"venv-{name}.ok", build)
    return bindir


def prepare_pcdlint(cache: Path) -> list[str]:
    # console_scripts: pcdlint = pcdlint.cli:main; `pcdlint check PATH...` (`check` is optional).
    return [str(prepare_peer(cache, PCDLINT) / "pcdlint"), "check"]


def prepare_promptlint(cache: Path) -> Path:
    """A venv with this checkout installed from source, as a user has it.

    The interpreter running the bench may carry start-up cost of its own (.pth hooks of
    globally installed packages); pcdlint runs from a clean venv, so promptlint does too.
    Its dependencies are installed once; the checkout is reinstalled on every run.
    """
    venv = cache / "venv-promptlint"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")

    def build() -> None:
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(ROOT)], check=True)

    _ready(cache / "venv-promptlint.ok", build)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(ROOT)], check=True)
    return python


# ----------------------------------------------------------------------------- timing


@dataclass
class Timing:
    name: str
    tool: str
    workload: str
    command: list[str]
    seconds: float = 0.0
    runs: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    exit: int = 0
    findings: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    first_findings: list[str] = field(default_factory=list)
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)


def _maxrss_mib(rusage) -> float:
    return rusage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def run_once(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, str, str]:
    """(seconds, peak RSS MiB, exit code, stdout, stderr) of one run.

    The peak RSS is the one ``wait4`` reports: the child's, or that of a process it
    reaped if larger (a pool worker) — the largest single process, not their sum.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, rusage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return seconds, _maxrss_mib(rusage), proc.returncode, stdout, stderr


# promptlint --format concise: `path:line:col: CODE [severity] message`
PROMPTLINT_LINE = re.compile(r"^.+?:\d+:\d+: ([A-Z]+\d+) \[")
# pcdlint text: `[PCL001] prefix-taint-injection path:line:col - message`
PCDLINT_LINE = re.compile(r"^\[(PCL\d+)\] ")


def count_findings(timing: Timing, stdout: str, stderr: str) -> None:
    pattern = PROMPTLINT_LINE if timing.tool == "promptlint" else PCDLINT_LINE
    lines = [line for line in stdout.splitlines() if pattern.match(line)]
    timing.findings = len(lines)
    timing.by_code = {}
    for line in lines:
        code = pattern.match(line).group(1)  # type: ignore[union-attr]
        timing.by_code[code] = timing.by_code.get(code, 0) + 1
    timing.first_findings = lines[:5]
    errors = [line for line in stderr.splitlines() if "error" in line.lower()]
    timing.errors = len(errors)
    timing.first_errors = errors[:5]


def time_command(
    timing: Timing, runs: int, cwd: Path, env: dict[str, str], before=None, quiet: bool = False
) -> Timing:
    peaks = []
    for _ in range(runs):
        if before:
            before()
        seconds, peak, code, stdout, stderr = run_once(timing.command, cwd, env)
        timing.runs.append(round(seconds, 3))
        peaks.append(peak)
        timing.exit = code
    timing.seconds = statistics.median(timing.runs)
    timing.peak_mib = max(peaks)
    count_findings(timing, stdout, stderr)
    if not quiet:
        print(f"  {timing.name}: {timing.seconds:.2f} s, {timing.peak_mib:.0f} MiB, exit {timing.exit}, "
              f"{timing.findings} findings, {timing.errors} error lines", file=sys.stderr)
    return timing


def _bytecode(env: dict[str, str], cache: Path) -> dict[str, str]:
    """Both tools run from bytecode, as an installed package does, written under the cache.

    PYTHONDONTWRITEBYTECODE (set in some shells and CI images) would leave the checkout's
    promptlint compiling every module on every start while pcdlint's venv has its .pyc.
    """
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
    return env


def peer_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["NO_COLOR"] = "1"
    return _bytecode(env, cache)


_IN_PROCESS = """
import statistics, sys, time
from pathlib import Path
from promptlint import result_cache
from promptlint.config import Settings
from promptlint.engine import Engine
root, runs = Path(sys.argv[1]), int(sys.argv[2])
settings = Settings(root=root, cache=True)
colds, warms = [], []
for _ in range(runs):
    result_cache.clean(root)
    start = time.perf_counter(); Engine(settings).check_paths([root]); colds.append(time.perf_counter() - start)
    start = time.perf_counter(); Engine(settings).check_paths([root]); warms.append(time.perf_counter() - start)
result_cache.clean(root)
print(statistics.median(colds), statistics.median(warms))
"""


def in_process_cache(python: Path, tree: Path, cache: Path, runs: int) -> tuple[float, float]:
    """Cold and warm check_paths in one process: what the result cache saves, without the
    interpreter's start-up, which bounds a warm run from the command line."""
    out = subprocess.run([str(python), "-c", _IN_PROCESS, str(tree), str(runs)], cwd=cache, env=peer_env(cache), capture_output=True, text=True, check=True)
    cold, warm = map(float, out.stdout.split())
    return cold, warm


def pool_plan(tree: Path, cache: Path) -> dict:
    """What promptlint's engine would decide for ``tree``: files it reads, bytes, pool or not."""
    sys.path.insert(0, str(ROOT))
    try:
        import promptlint.engine as engine
        from promptlint.config import Settings
    except Exception as exc:  # noqa: BLE001 - a broken checkout still gets timed
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        sys.path.remove(str(ROOT))
    files = list(engine.discover([tree], Settings(root=cache)))
    size = sum(p.stat().st_size for p in files)
    workers = min(os.cpu_count() or 1, engine._MAX_WORKERS)
    pooled = len(files) >= engine.POOL_THRESHOLD and workers >= 2 and size >= engine.POOL_BYTES
    by_suffix: dict[str, int] = {}
    for p in files:
        by_suffix[p.suffix] = by_suffix.get(p.suffix, 0) + 1
    return {
        "files_read": len(files),
        "by_suffix": by_suffix,
        "bytes_read": size,
        "suffixes": list(engine.SUFFIXES),
        "pool_threshold_files": engine.POOL_THRESHOLD,
        "pool_threshold_bytes": engine.POOL_BYTES,
        "workers": workers,
        "default_mode": "pool" if pooled else "serial",
    }


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="wall-clock runs per command; the median is reported (default 3)")
    parser.add_argument("--trees", default=",".join(TREES), help="comma-separated: anthropic, stdlib (default both)")
    parser.add_argument("--skip-pcdlint", action="store_true", help="time promptlint only")
    parser.add_argument("--cache", type=Path, default=HERE / ".trees", help="where the trees and the pcdlint venv live (default bench/.trees)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results to this JSON file")
    args = parser.parse_args()
    trees = [t.strip() for t in args.trees.split(",") if t.strip()]
    unknown = sorted(set(trees) - set(TREES))
    if unknown:
        parser.error(f"--trees: unknown {', '.join(unknown)} (known: {', '.join(TREES)})")

    cache = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    isolate = cache / "pyproject.toml"
    if not isolate.exists() or isolate.read_text(encoding="utf-8") != ISOLATE:
        isolate.write_text(ISOLATE, encoding="utf-8")

    paths: dict[str, Path] = {}
    sizes: dict[str, dict] = {}
    for name in trees:
        paths[name] = prepare_anthropic(cache) if name == "anthropic" else prepare_stdlib(cache)
        files, lines, size = count_py(paths[name])
        sizes[name] = {"path": str(paths[name]), "files": files, "lines": lines, "bytes": size}
        peer = PEERS[name]
        same = files == peer["files"] and lines == peer["lines"]
        print(f"{name}: {paths[name]}: {files:,} .py files, {lines:,} lines, {size / 1e6:.1f} MB"
              f" ({'same as' if same else 'peers.md has'} {peer['files']:,} files, {peer['lines']:,} lines)", file=sys.stderr)
    small = prepare_small(cache)
    pcdlint = None if args.skip_pcdlint else prepare_pcdlint(cache)

    promptlint_python = prepare_promptlint(cache)
    promptlint = [str(promptlint_python), "-m", "promptlint"]
    check = [*promptlint, "check", "--exit-zero", "--format", "concise"]
    penv, xenv = peer_env(cache), peer_env(cache)
    # Untimed warm-up: bytecode written, the small file and both tools in the page cache.
    subprocess.run([*check, "--no-cache", str(small)], cwd=cache, env=penv, capture_output=True)
    if pcdlint:
        subprocess.run([*pcdlint, str(small)], cwd=cache, env=xenv, capture_output=True)
    version = subprocess.run([*promptlint, "--version"], env=penv, capture_output=True, text=True).stdout.strip()
    plans = {name: pool_plan(paths[name], cache) for name in trees}
    for name, plan in plans.items():
        print(f"{name}: promptlint reads {plan.get('files_read')} files {plan.get('by_suffix')}; "
              f"default mode {plan.get('default_mode')}", file=sys.stderr)

    timings: list[Timing] = []
    workloads = [*trees, "small"]
    for name in workloads:
        target = str(small if name == "small" else paths[name])
        print(f"{name}:", file=sys.stderr)
        timings.append(time_command(
            Timing(f"promptlint, {name}", "promptlint", name, [*check, "--no-cache", target]), args.runs, cache, penv))
        if pcdlint:
            timings.append(time_command(
                Timing(f"pcdlint, {name}", "pcdlint", name, [*pcdlint, target]), args.runs, cache, xenv))

    if "stdlib" in trees:
        target = str(paths["stdlib"])
        print("stdlib, promptlint result cache and process pool:", file=sys.stderr)

        def clean() -> None:
            subprocess.run([*promptlint, "clean"], cwd=cache, env=penv, check=True, capture_output=True)

        timings.append(time_command(
            Timing("promptlint cold (clean, then check with cache)", "promptlint", "stdlib-cold", [*check, target]),
            args.runs, cache, penv, before=clean))
        timings.append(time_command(
            Timing("promptlint warm (check again, unchanged)", "promptlint", "stdlib-warm", [*check, target]),
            args.runs, cache, penv))
        for mode, threshold, size in (("serial", 10**9, 10**18), ("pool", 0, 0)):
            force = [str(promptlint_python), "-c", FORCE.format(threshold=threshold, size=size)]
            timings.append(time_command(
                Timing(f"promptlint forced {mode} (no cache)", "promptlint", f"stdlib-{mode}",
                       [*force, "check", "--exit-zero", "--format", "concise", "--no-cache", target]),
                args.runs, cache, penv))

    report(timings, sizes, plans, trees, args, version)
    inside = {name: in_process_cache(promptlint_python, paths[name], cache, args.runs) for name in trees}
    print("\n| result cache, in one process (no interpreter start-up) | cold s | warm s | cold / warm |", file=sys.stderr)
    print("|---|---|---|---|", file=sys.stderr)
    for name, (cold, warm) in inside.items():
        print(f"| {name} | {cold:.3f} | {warm:.3f} | {cold / warm:.1f}× |", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "date": time.strftime("%Y-%m-%d"),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform()},
            "promptlint": version,
            "pcdlint": None if args.skip_pcdlint else PCDLINT,
            "runs": args.runs,
            "trees": sizes,
            "promptlint_pool_plan": plans,
            "timings": [asdict(t) for t in timings],
            "in_process_cache": {name: {"cold": c, "warm": w} for name, (c, w) in inside.items()},
        }, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}", file=sys.stderr)
    return 0


def report(timings: list[Timing], sizes: dict, plans: dict, trees: list[str], args, version: str) -> None:
    by = {(t.tool, t.workload): t for t in timings}
    print(f"\n{version}, {PCDLINT if not args.skip_pcdlint else 'pcdlint skipped'}; {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}; median of {args.runs} runs\n")
    for name in trees:
        s = sizes[name]
        print(f"- {name}: {s['files']:,} .py files, {s['lines']:,} lines, {s['bytes'] / 1e6:.1f} MB; "
              f"promptlint reads {plans[name].get('files_read')} of its files, default {plans[name].get('default_mode')}")
    for name in trees:
        if plans[name].get("by_suffix", {}).get(".py", 0) == 0:
            print(f"\nNote: promptlint reads no .py file of the {name} tree (no Python front-end wired in): "
                  "its times there are start-up and the walk only.")
    print("\n| workload | promptlint s | MiB | findings | pcdlint s | MiB | findings | pcdlint / promptlint |")
    print("|---|---|---|---|---|---|---|---|")
    for name in [*trees, "small"]:
        ours, theirs = by.get(("promptlint", name)), by.get(("pcdlint", name))
        row = [name, f"{ours.seconds:.2f}", f"{ours.peak_mib:.0f}", _found(ours)]
        if theirs:
            row += [f"{theirs.seconds:.2f}", f"{theirs.peak_mib:.0f}", _found(theirs), f"{theirs.seconds / ours.seconds:.1f}×"]
        else:
            row += ["–"] * 4
        print("| " + " | ".join(row) + " |")
    if "stdlib" in trees:
        base = by[("promptlint", "stdlib")]
        print("\n| promptlint on the stdlib tree | seconds | MiB | vs --no-cache default |")
        print("|---|---|---|---|")
        for key in ("stdlib", "stdlib-cold", "stdlib-warm", "stdlib-serial", "stdlib-pool"):
            t = by[("promptlint", key)]
            name = "--no-cache, engine's choice" if key == "stdlib" else t.name.removeprefix("promptlint ")
            print(f"| {name} | {t.seconds:.2f} | {t.peak_mib:.0f} | {base.seconds / t.seconds:.1f}× |")
    for t in timings:
        if t.findings or t.errors or t.exit not in (0, 1):
            codes = f" {t.by_code}" if t.by_code else ""
            print(f"\n{t.name}: exit {t.exit}, {t.findings} findings{codes}, {t.errors} error lines on stderr")
            for line in [*t.first_findings, *t.first_errors]:
                print(f"    {line[:200]}")


def _found(t: Timing) -> str:
    text = str(t.findings)
    if t.errors:
        text += f" (+{t.errors} errors)"
    return text


if __name__ == "__main__":
    sys.exit(main())
