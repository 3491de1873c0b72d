import os
import sys

import pytest

# helpers.py sits beside the tests
sys.path.insert(0, os.path.dirname(__file__))


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
