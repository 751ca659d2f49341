"""``python -m sanic`` and the ``sanic`` console script."""

from __future__ import annotations

from sanic.cli.app import SanicCLI


def main(argv: list[str] | None = None) -> None:
    SanicCLI().run(argv)


if __name__ == "__main__":
    main()
