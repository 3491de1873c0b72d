"""Every op in the table has tests: each entry of ``derivatives.COMPOSITE``
must appear in the ``CASES`` list of some ``tests/test_ops_*.py`` module
(the elementwise tables are parametrised directly in
test_ops_elementwise.py)."""
import importlib
import pathlib

from jitgrad import derivatives


def test_every_composite_op_has_cases():
    covered = set()
    for path in pathlib.Path(__file__).parent.glob("test_ops_*.py"):
        module = importlib.import_module(path.stem)
        covered |= {case[0] for case in getattr(module, "CASES", ())}
    missing = set(derivatives.COMPOSITE) - covered
    assert not missing, f"ops without test cases: {sorted(missing)}"
