"""The first run: a cold kernel cache says once on stderr that kernels are
compiling; ``python -m jitgrad.precompile`` fills the cache ahead of time; the
cold cache works when the install directory is read-only and when two
processes compile the same kernels at once. Each case runs Python in a
subprocess with its own empty cache directory."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import jitgrad
from jitgrad import precompile

# A program with few kernels (no random draws: the generator has kernels of its own)
PROGRAM = textwrap.dedent("""
    import numpy as np
    from numba.core import event
    import jitgrad

    class Count(event.Listener):
        n = 0
        def on_start(self, ev):
            if ev.data["dispatcher"].py_func.__module__.startswith("jitgrad."):
                Count.n += 1
        def on_end(self, ev):
            pass

    event.register("numba:compile", Count())
    x = jitgrad.tensor(np.linspace(-1, 1, 7), requires_grad=True)
    (x.cosh() * x).sum().backward()
    print(json.dumps({"compiled": Count.n, "grad": x.grad.tolist()}))
""").replace("import numpy", "import json\nimport numpy", 1)


def _expected_grad():
    import numpy as np
    x = np.linspace(-1, 1, 7)
    return np.sinh(x) * x + np.cosh(x)


def run(script, env_extra, cwd=None, wrap=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_CACHE")}
    env.update(env_extra)
    cmd = [sys.executable, "-c", script]
    if wrap is not None:
        cmd = wrap(cmd)
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def _check(result):
    import numpy as np
    np.testing.assert_allclose(result["grad"], _expected_grad(), rtol=1e-12)


def test_cold_cache_says_so_once_then_warm_runs_silently(tmp_path):
    env = {"NUMBA_CACHE_DIR": str(tmp_path)}
    cold, err = run(PROGRAM, env)
    _check(cold)
    assert cold["compiled"] > 0
    assert err.count("jitgrad: compiling kernels for their first use (") == 1, err
    assert "cosh_forward(float64)" in err and "python -m jitgrad.precompile" in err
    warm, err = run(PROGRAM, env)
    _check(warm)
    assert warm["compiled"] == 0 and err == ""


def test_precompile_from_a_recorded_program_leaves_nothing_to_compile(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    manifest = tmp_path / "kernels.json"
    cache = tmp_path / "cache"
    env = {"NUMBA_CACHE_DIR": str(cache)}
    # record in one cache, then precompile into an empty one
    recording = subprocess.run(
        [sys.executable, "-m", "jitgrad.precompile", "--record", str(manifest), str(script)],
        env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "record-cache")},
        capture_output=True, text=True, timeout=600)
    assert recording.returncode == 0, recording.stderr
    assert recording.stdout.strip().endswith(f"recorded the kernels of {script} in {manifest}")
    recorded = json.loads(manifest.read_text())["kernels"]
    assert "elementwise.cosh_forward" in recorded
    done = subprocess.run([sys.executable, "-m", "jitgrad.precompile", "--manifest", str(manifest)],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "kernel signatures ready in" in done.stdout
    result, err = run(PROGRAM, env)
    _check(result)
    assert result["compiled"] == 0, "precompile left kernels to compile"


def test_shipped_manifest_names_only_kernels_that_exist():
    manifest = precompile.read_manifest(precompile.SHIPPED_MANIFEST)
    known = precompile.kernel_dispatchers()
    assert set(manifest) <= set(known), sorted(set(manifest) - set(known))
    # (a GIL-releasing twin is called only on large arrays split over threads)
    held = [name for name in known if not name.endswith(".nogil")]
    assert len(manifest) > 0.8 * len(held), "the shipped list misses most kernels: re-record it"
    for name, sig in precompile.select(manifest)[:50]:
        assert isinstance(sig, tuple)
    def floats(sig):
        return {str(t.dtype) for t in sig if str(getattr(t, "dtype", "")).startswith("float")}
    f32 = precompile.select(manifest, "float32")
    f64 = precompile.select(manifest, "float64")
    assert f32 and all(not floats(sig) or "float32" in floats(sig) for _, sig in f32)
    assert f64 and all("float32" not in floats(sig) for _, sig in f64)
    assert len(f32) + len(f64) >= len(precompile.select(manifest))


def _read_only_install(cmd):
    """Run ``cmd`` with jitgrad's source directories mounted read-only."""
    package = os.path.dirname(jitgrad.__file__)
    dirs = sorted({package, os.path.dirname(jitgrad.kernels.__file__)})
    binds = " && ".join(f"mount --bind -o ro {d} {d}" for d in dirs)
    return ["unshare", "-m", "sh", "-c", f'{binds} && exec "$@"', "sh", *cmd]


def _can_mount_read_only():
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind -o ro / / && exit 0"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(),
                    reason="needs a private mount namespace (unshare -m) to make the install read-only")
def test_read_only_install_compiles_into_the_user_cache(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path)}
    probe = "import os, jitgrad; open(os.path.join(os.path.dirname(jitgrad.kernels.__file__), 'probe'), 'w')"
    denied = subprocess.run(_read_only_install([sys.executable, "-c", probe]), capture_output=True, text=True)
    assert "Read-only file system" in denied.stderr, "the install was not read-only"
    cold, _ = run(PROGRAM, env, wrap=_read_only_install)
    _check(cold)
    assert cold["compiled"] > 0
    assert any(name.endswith(".nbi") for _, _, files in os.walk(tmp_path / "numba") for name in files)
    warm, _ = run(PROGRAM, env, wrap=_read_only_install)
    _check(warm)
    assert warm["compiled"] == 0, "the user cache was not reused"


def test_two_processes_compiling_the_same_kernels_at_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_CACHE")}
    env["NUMBA_CACHE_DIR"] = str(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", PROGRAM], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        _check(json.loads(out.strip().splitlines()[-1]))
    after, _ = run(PROGRAM, {"NUMBA_CACHE_DIR": str(tmp_path)})
    _check(after)
    assert after["compiled"] == 0
