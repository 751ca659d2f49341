"""Time ``Router.get`` with 10 and 10,000 routes.

Run: ``python benchmarks/router_bench.py``. Half the routes are static, half
dynamic; the lookups are one static path and one dynamic path three segments deep.
Static resolution is a dict hit, so its cost should not grow with the route count.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sanic.router import Router  # noqa: E402

SIZES = (10, 10_000)
NUMBER = 50_000
REPEAT = 5


def handler(request, **kwargs):  # pragma: no cover - never called
    return None


def build(count: int) -> Router:
    router = Router()
    for index in range(count // 2):
        router.add(f"/static/{index}/page", ["GET"], handler, name=f"s{index}")
        router.add(
            f"/api/{index}/<user_id:int>/<slug:slug>",
            ["GET"],
            handler,
            name=f"d{index}",
        )
    router.finalize()
    return router


def per_lookup_ns(router: Router, path: str) -> float:
    get = router.get
    router.get(path, "GET", None)  # resolves, or raises before timing starts
    timer = timeit.Timer(lambda: get(path, "GET", None))
    best = min(timer.repeat(repeat=REPEAT, number=NUMBER))
    return best / NUMBER * 1e9


def main() -> None:
    rows = []
    for count in SIZES:
        router = build(count)
        middle = count // 4
        static = per_lookup_ns(router, f"/static/{middle}/page")
        dynamic = per_lookup_ns(router, f"/api/{middle}/42/hello-world")
        rows.append((count, static, dynamic))
    print(f"{'routes':>8} | {'static ns/lookup':>17} | {'dynamic ns/lookup':>18}")
    print(f"{'-' * 8}-+-{'-' * 17}-+-{'-' * 18}")
    for count, static, dynamic in rows:
        print(f"{count:>8} | {static:>17.0f} | {dynamic:>18.0f}")
    growth = rows[-1][1] / rows[0][1]
    print(f"\nstatic cost ratio {SIZES[-1]} vs {SIZES[0]} routes: {growth:.2f}x")


if __name__ == "__main__":
    main()
