"""Rogozhnikov's "Fastest Autograd in the West" graph: 10,000 ops on 0-d
tensors (softplus, a sum of four, a product, a softmax of four) built from
``arange(100)``, forward and backward. Eager frameworks pay Python per op;
``jitgrad.compile`` replays it as a tape. torch.compile is left out: its
compile time on a 10,000-op graph is far beyond a benchmark run's budget
(4.5 s at 100 ops in the post; it grows with the graph)."""
import pytest
from conftest import LIBS

N_OPS = 10_000


def run_graph(T, initial_variables, n_operations):
    F = T.nn.functional
    nodes = [*initial_variables]
    for op in range(n_operations):
        match op % 4:
            case 0:
                nodes.append(F.softplus(nodes[-10]))
            case 1:
                nodes.append(sum(nodes[-30:-10:5]))
            case 2:
                nodes.append(nodes[-20] * nodes[-10])
            case 3:
                nodes.extend(F.softmax(T.stack(nodes[-4:], dim=0), dim=0))
    return nodes


@pytest.mark.benchmark(group="scalar-graph-10k-ops")
@pytest.mark.parametrize("lib", [lib for lib in LIBS if lib not in ("numpy", "torch.compile")])
def test_scalar_graph(lib, T, benchmark, compiled):
    init_vars = T.arange(100, dtype=T.float32, requires_grad=True)

    def step():
        init_vars.grad = None
        nodes = run_graph(T, init_vars, N_OPS)
        nodes[-1].backward()
        return nodes[-1]

    expected = float(step())
    step = compiled(step)
    step()
    assert float(step()) == pytest.approx(expected, rel=1e-5)
    benchmark.pedantic(step, rounds=5 if lib.endswith("compile") else 3, iterations=1,
                       warmup_rounds=0)
