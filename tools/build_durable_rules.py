"""Build durable-rules 2.0.28 for Python 3.13 and later, from its PyPI sdist, with the one change it needs there.

durable-rules 2.0.28 (2020, the last release) calls ``PyEval_CallObject``, which Python 3.13 removed from the C API;
so its sdist no longer compiles there. The fix (upstream pull request #403, merged but never released) replaces the
five calls in ``src/rulespy/rules.c`` by ``PyObject_CallObject``, the documented equivalent (``PyEval_CallObject(f, a)``
was defined as ``PyEval_CallObjectWithKeywords(f, a, NULL)``, which is ``PyObject_Call(f, a, NULL)``). This script:

1. downloads the sdist with pip (``pip download durable-rules==2.0.28 --no-binary :all:``) and checks its SHA-256;
2. makes that replacement, and nothing else, in a temporary copy, checking that exactly five calls change;
3. builds a wheel with the running interpreter into ``--wheels`` (default ``build/wheels``) and prints its path.

``make`` runs it before installing swp-rules when the interpreter is 3.13 or later; then pip finds durable-rules
2.0.28 already installed. Usage: ``python tools/build_durable_rules.py [--wheels DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "2.0.28"
SDIST = f"durable_rules-{VERSION}.tar.gz"
SDIST_SHA256 = "053b26f5e48d312d4fa27995243f954671be6eece477f150c059c364eb4d7d61"
SOURCE = "src/rulespy/rules.c"
REMOVED, REPLACEMENT, CALLS = "PyEval_CallObject(", "PyObject_CallObject(", 5


def _run(*command: str) -> None:
    subprocess.run(command, check=True)


def _download(into: Path) -> Path:
    _run(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         f"durable-rules=={VERSION}", "--dest", str(into))
    sdist = into / SDIST
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        raise SystemExit(f"{SDIST}: SHA-256 {digest}, expected {SDIST_SHA256}; not building")
    return sdist


def _patch(tree: Path) -> None:
    source = tree / SOURCE
    text = source.read_text(encoding="utf-8")
    if text.count(REMOVED) != CALLS:
        raise SystemExit(f"{SOURCE}: expected {CALLS} calls of {REMOVED[:-1]}, found {text.count(REMOVED)}")
    source.write_text(text.replace(REMOVED, REPLACEMENT), encoding="utf-8")


def build(wheels: Path) -> Path:
    """The path of a durable-rules wheel for the running interpreter, built once into ``wheels``."""
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    found = sorted(wheels.glob(f"durable_rules-{VERSION}-{tag}-*.whl"))
    if found:
        return found[-1]
    wheels.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(_download(work)) as archive:
            archive.extractall(work, filter="data")
        tree = work / f"durable_rules-{VERSION}"
        _patch(tree)
        _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(tree))
    (built,) = sorted(wheels.glob(f"durable_rules-{VERSION}-{tag}-*.whl"))
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, default=Path("build/wheels"), help="where to put the wheel")
    print(build(parser.parse_args().wheels))


if __name__ == "__main__":
    main()
