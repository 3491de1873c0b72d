import os
import sys

import pytest

# helpers.py sits beside the tests
sys.path.insert(0, os.path.dirname(__file__))


def pytest_sessionstart(session):
    """A parallel run (``pytest -n N``) first fills Numba's cache with the
    kernels the tests call (``python -m jitgrad.precompile``: the shipped
    list, one kernel at a time to each core). Otherwise, in a cold cache,
    every xdist worker compiles the common kernels itself, at the same time
    as the others. Tests of the cold path use caches of their own."""
    config = session.config
    if hasattr(config, "workerinput") or config.getoption("dist", "no") == "no" \
            or not config.getoption("numprocesses", None):
        return
    import subprocess

    from jitgrad.precompile import SHIPPED_MANIFEST
    # (--manifest: Numba's kernels only; the compile tests' tape goes to caches of their own)
    done = subprocess.run([sys.executable, "-m", "jitgrad.precompile", "--manifest", SHIPPED_MANIFEST],
                          capture_output=True, text=True)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        for line in (done.stdout + done.stderr).strip().splitlines():
            reporter.write_line(line)


def pytest_sessionfinish(session, exitstatus):
    """``JITGRAD_RECORD_KERNELS=FILE pytest`` adds the kernel signatures the
    tests called to FILE: how jitgrad/kernel_manifest.json, the list that
    ``python -m jitgrad.precompile`` compiles, is made."""
    path = os.environ.get("JITGRAD_RECORD_KERNELS")
    if path:
        from jitgrad.precompile import merge_into, used_signatures
        merge_into(path, used_signatures())


@pytest.fixture(scope="module")
def compile_cache_dir(tmp_path_factory):
    """jitgrad.compile's generated kernels in a directory of this test session,
    not the user's ~/.cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("JITGRAD_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "jitgrad-compile-cache"))
    yield
    mp.undo()
