"""Background tasks: app.add_task and the task registry
(https://sanic.dev/en/guide/basics/tasks.html)."""

from __future__ import annotations

import asyncio

import pytest

from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.response import json, text


def test_task_added_before_start_runs_once_the_loop_runs(app: Sanic) -> None:
    ran: list[str] = []

    async def startup_job(app_):
        ran.append(f"ran with {app_.name}")

    app.add_task(startup_job)
    assert ran == []  # no loop yet: kept for later

    @app.get("/")
    async def handler(request):
        await asyncio.sleep(0.01)
        return text(",".join(ran))

    _, response = app.test_client.get("/")
    assert response.text == f"ran with {app.name}"


def test_callable_without_arguments_is_called_without_the_app(app: Sanic) -> None:
    ran: list[str] = []

    async def job():
        ran.append("no args")

    app.add_task(job)

    @app.get("/")
    async def handler(request):
        await asyncio.sleep(0.01)
        return text(",".join(ran))

    _, response = app.test_client.get("/")
    assert response.text == "no args"


def test_add_task_in_a_handler_returns_the_task_and_registers_it_by_name(
    app: Sanic,
) -> None:
    @app.get("/")
    async def handler(request):
        async def compute():
            return 21 * 2

        task = request.app.add_task(compute(), name="compute")
        result = await task
        return json(
            {
                "result": result,
                "same": request.app.get_task("compute") is task,
                "listed": task in request.app.tasks,
            }
        )

    _, response = app.test_client.get("/")
    assert response.json == {"result": 42, "same": True, "listed": True}


def test_cancel_task_and_purge_tasks(app: Sanic) -> None:
    @app.get("/")
    async def handler(request):
        forever = request.app.add_task(asyncio.sleep(3600), name="forever")
        await asyncio.sleep(0)
        await request.app.cancel_task("forever")
        cancelled = forever.cancelled()
        request.app.purge_tasks()
        gone = request.app.get_task("forever", raise_exception=False) is None
        return json({"cancelled": cancelled, "purged": gone})

    _, response = app.test_client.get("/")
    assert response.json == {"cancelled": True, "purged": True}


def test_unknown_task_name_is_a_clear_error(app: Sanic) -> None:
    with pytest.raises(SanicException, match='task named "nope" not found'):
        app.get_task("nope")


def test_tasks_still_running_are_cancelled_when_the_server_stops(app: Sanic) -> None:
    states: list[str] = []

    async def background(app_):
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            states.append("cancelled at shutdown")
            raise

    app.add_task(background, name="background")

    @app.get("/")
    async def handler(request):
        return text("ok")

    app.test_client.get("/")
    assert states == ["cancelled at shutdown"]


def test_a_type_error_inside_a_task_callable_is_not_retried_without_the_app(
    app: Sanic,
) -> None:
    """The app is passed according to the signature, not by trial and error."""
    calls: list[str] = []

    def factory(app_):
        calls.append("called")
        raise TypeError("the task's own bug")

    @app.get("/")
    async def handler(request):
        with pytest.raises(TypeError, match="the task's own bug"):
            request.app.add_task(factory)
        return json({"calls": calls})

    _, response = app.test_client.get("/")
    assert response.json == {"calls": ["called"]}
