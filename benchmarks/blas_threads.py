"""How many BLAS threads the products of a training step deserve: the same
jitgrad steps with every product on 1 and on 2 BLAS threads (jitgrad's size
gate turned off, so the pool size alone decides), on an idle machine and
next to a process spinning on one core. The measurements behind the default
in jitgrad/threads.py. (jitgrad now runs BLAS on one thread and splits large
products over its own threads, benchmarks/threads.py; this script sets BLAS's
threads itself, through threadpoolctl, to time BLAS's own threading.)

    python benchmarks/blas_threads.py
"""
import multiprocessing
import statistics
import time

import numpy as np
import threadpoolctl

import jitgrad


def _spin(stop):
    while not stop.is_set():
        pass


def training_step(kind, batch):
    from jitgrad.digits_training import build_model
    jitgrad.manual_seed(0)
    nn = jitgrad.nn
    if kind == "mlp784":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                              nn.Linear(128, 10))
        x = jitgrad.randn(batch, 784)
    else:
        model = build_model(jitgrad, kind)
        x = jitgrad.randn(batch, 1, 8, 8)
    y = jitgrad.randint(0, 10, (batch,))
    optimizer = jitgrad.optim.Adam(model.parameters())
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return step


def median_time(fn, n, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - start) / n)
    return statistics.median(times)


def main():
    jitgrad.set_num_threads(1)          # jitgrad's own threads: one, BLAS's: set below
    jitgrad.parallel.MATMUL_MIN = 1 << 62
    a = np.random.default_rng(0).standard_normal((1024, 1024), dtype=np.float32)
    workloads = {"MLP 784-256-128-10 step, batch 64": (training_step("mlp784", 64), 100),
                 "demo CNN step, batch 64": (training_step("cnn", 64), 100),
                 "matmul 1024x1024 float32": (lambda: jitgrad.threads.matmul(a, a), 5)}
    for fn, _ in workloads.values():
        fn()
    results = {}
    for busy in (False, True):
        stop = multiprocessing.get_context("spawn").Event()
        neighbour = None
        if busy:
            neighbour = multiprocessing.get_context("spawn").Process(target=_spin, args=(stop,))
            neighbour.start()
            time.sleep(0.5)
        for threads in (1, 2):
            with threadpoolctl.threadpool_limits(threads, user_api="blas"):
                for name, (fn, n) in workloads.items():
                    results[name, busy, threads] = median_time(fn, n)
        if neighbour is not None:
            stop.set()
            neighbour.join()
    print("| workload | idle, 1 thread | idle, 2 threads | busy, 1 thread | busy, 2 threads |")
    print("|---|---:|---:|---:|---:|")
    for name in workloads:
        cells = [f"{results[name, b, t] * 1e3:.2f} ms" for b in (False, True) for t in (1, 2)]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
