"""Signals: registration rules, dispatching, conditions, order, errors, waiting.

Behaviour follows https://sanic.dev/en/guide/advanced/signals.html and the 23.12
release notes (single-part events, priorities, ``app.event`` returning context).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from sanic import Sanic
from sanic.blueprints import Blueprint
from sanic.exceptions import InvalidSignal, NotFound
from sanic.response import text
from sanic.signals import Event


def run(main: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(main())  # type: ignore[arg-type]


# ---- registration ---------------------------------------------------------------


@pytest.mark.parametrize(
    "event", ["foo.bar", "foo.bar.baz.qux", "", "foo..baz", ".bar.baz", "foo.bar."]
)
def test_event_name_must_have_three_parts_or_one(app: Sanic, event: str) -> None:
    with pytest.raises(InvalidSignal, match="three dot-separated parts"):
        app.add_signal(lambda: None, event)


def test_placeholder_is_allowed_only_in_the_action(app: Sanic) -> None:
    with pytest.raises(InvalidSignal, match="only the action"):
        app.add_signal(lambda **_: None, "foo.<bar>.baz")
    with pytest.raises(InvalidSignal, match="only the action"):
        app.add_signal(lambda **_: None, "<foo>.bar.baz")


@pytest.mark.parametrize(
    "event", ["http.custom.thing", "server.init.later", "websocket.handler.x"]
)
def test_reserved_namespaces_accept_only_builtin_events(app: Sanic, event: str) -> None:
    with pytest.raises(InvalidSignal, match="reserved"):
        app.add_signal(lambda **_: None, event)


def test_builtin_events_register_by_name_or_enum_member(app: Sanic) -> None:
    app.add_signal(lambda **_: None, "http.lifecycle.request")
    app.add_signal(lambda **_: None, Event.SERVER_INIT_AFTER)

    router = app.signal_router
    assert router.has_handlers(Event.HTTP_LIFECYCLE_REQUEST)
    assert router.has_handlers("server.init.after")
    assert not router.has_handlers(Event.HTTP_LIFECYCLE_RESPONSE)


def test_unknown_placeholder_type_is_an_invalid_signal(app: Sanic) -> None:
    with pytest.raises(InvalidSignal):
        app.add_signal(lambda **_: None, "foo.bar.<id:nosuchtype>")


def test_reset_forgets_every_signal(app: Sanic) -> None:
    app.add_signal(lambda **_: None, "foo.bar.baz")
    app.add_signal(lambda **_: None, "foo.bar.<thing>")

    app.signal_router.reset()

    assert not app.signal_router.has_handlers("foo.bar.baz")
    assert not app.signal_router.has_handlers("foo.bar.other")


# ---- dispatching ----------------------------------------------------------------


def test_handler_receives_the_context_as_keyword_arguments(app: Sanic) -> None:
    seen: list[dict[str, Any]] = []

    @app.signal("user.registration.created")
    async def send_email(**context: Any) -> None:
        seen.append(context)

    async def main() -> None:
        await app.dispatch("user.registration.created", context={"hello": "world"})

    run(main)
    assert seen == [{"hello": "world"}]


def test_sync_and_async_handlers_both_run(app: Sanic) -> None:
    seen: list[str] = []

    @app.signal("foo.bar.baz")
    def sync_handler() -> None:
        seen.append("sync")

    @app.signal("foo.bar.baz")
    async def async_handler() -> None:
        await asyncio.sleep(0)
        seen.append("async")

    async def main() -> None:
        await app.dispatch("foo.bar.baz", inline=True)

    run(main)
    assert seen == ["sync", "async"]


def test_dispatch_runs_handlers_in_a_background_task_it_returns(app: Sanic) -> None:
    seen: list[str] = []
    release = asyncio.Event()

    @app.signal("foo.bar.baz")
    async def slow() -> str:
        await release.wait()
        seen.append("done")
        return "result"

    async def main() -> None:
        task = await app.dispatch("foo.bar.baz")
        assert isinstance(task, asyncio.Task)
        assert seen == []  # still running in the background
        release.set()
        assert await task == "result"

    run(main)
    assert seen == ["done"]


def test_handler_that_never_awaits_has_run_when_dispatch_returns(app: Sanic) -> None:
    counter = 0

    @app.signal("foo.bar.baz")
    def count() -> None:
        nonlocal counter
        counter += 1

    async def main() -> None:
        await app.dispatch("foo.bar.baz")
        assert counter == 1

    run(main)


def test_inline_dispatch_returns_the_handlers_result(app: Sanic) -> None:
    @app.signal("foo.bar.baz")
    async def answer(value: int) -> int:
        await asyncio.sleep(0)
        return value * 2

    async def main() -> Any:
        return await app.dispatch("foo.bar.baz", context={"value": 21}, inline=True)

    assert run(main) == 42


def test_dispatching_an_unknown_event_raises_not_found(app: Sanic) -> None:
    async def main() -> None:
        await app.dispatch("foo.bar.baz")

    with pytest.raises(NotFound, match="Could not find signal foo.bar.baz"):
        run(main)


def test_unknown_event_without_fail_not_found_does_nothing(app: Sanic) -> None:
    async def main() -> Any:
        return await app.dispatch("foo.bar.baz", fail_not_found=False)

    assert run(main) is None


def test_placeholder_in_the_action_is_passed_to_the_handler(app: Sanic) -> None:
    seen: list[tuple[str, str]] = []

    @app.signal("foo.bar.<thing>")
    async def handler(thing: str, who: str) -> None:
        seen.append((thing, who))

    async def main() -> None:
        await app.dispatch("foo.bar.baz", context={"who": "me"}, inline=True)

    run(main)
    assert seen == [("baz", "me")]


def test_typed_placeholder_casts_and_only_matches_its_type(app: Sanic) -> None:
    seen: list[Any] = []

    @app.signal("order.paid.<id:int>")
    def handler(id: int) -> None:
        seen.append(id)

    async def main() -> None:
        await app.dispatch("order.paid.42", inline=True)
        with pytest.raises(NotFound):
            await app.dispatch("order.paid.abc", inline=True)

    run(main)
    assert seen == [42]


def test_single_part_events_and_placeholders(app: Sanic) -> None:
    seen: list[Any] = []

    @app.signal("foo")
    def static() -> None:
        seen.append("foo")

    @app.signal("<thing>")
    def dynamic(thing: str) -> None:
        seen.append(thing)

    async def main() -> None:
        await app.dispatch("foo", inline=True)
        await app.dispatch("foobar", inline=True)
        # One part never matches a three-part event.
        await app.dispatch("a.b.foobar", fail_not_found=False, inline=True)

    run(main)
    assert seen == ["foo", "foo", "foobar"]


def test_several_handlers_on_one_event_all_run(app: Sanic) -> None:
    seen: list[str] = []
    app.add_signal(lambda: seen.append("static"), "foo.bar.baz")
    app.add_signal(lambda thing: seen.append(f"dynamic {thing}"), "foo.bar.<thing>")
    app.add_signal(lambda: seen.append("static again"), "foo.bar.baz")

    async def main() -> None:
        await app.dispatch("foo.bar.baz", inline=True)

    run(main)
    assert seen == ["static", "dynamic baz", "static again"]


def test_higher_priority_runs_first_then_registration_order(app: Sanic) -> None:
    seen: list[str] = []
    app.add_signal(lambda: seen.append("low"), "foo.bar.baz", priority=-1)
    app.add_signal(lambda: seen.append("first"), "foo.bar.baz")
    app.add_signal(lambda thing: seen.append("high"), "foo.bar.<thing>", priority=5)
    app.add_signal(lambda: seen.append("second"), "foo.bar.baz")

    async def main() -> None:
        await app.dispatch("foo.bar.baz", inline=True)

    run(main)
    assert seen == ["high", "first", "second", "low"]


def test_reverse_runs_handlers_in_reverse_order(app: Sanic) -> None:
    seen: list[str] = []
    app.add_signal(lambda: seen.append("high"), "foo.bar.baz", priority=1)
    app.add_signal(lambda: seen.append("low"), "foo.bar.baz")

    async def main() -> None:
        await app.dispatch("foo.bar.baz", inline=True, reverse=True)

    run(main)
    assert seen == ["low", "high"]


# ---- conditions -----------------------------------------------------------------


def test_conditioned_handler_runs_only_for_its_condition(app: Sanic) -> None:
    seen: list[str] = []
    app.add_signal(lambda: seen.append("a"), "foo.bar.baz", condition={"x": "a"})

    async def main() -> None:
        await app.dispatch("foo.bar.baz", condition={"x": "b"}, inline=True)
        await app.dispatch("foo.bar.baz", inline=True)
        await app.dispatch("foo.bar.baz", condition={"x": "a"}, inline=True)

    run(main)
    assert seen == ["a"]


def test_conditioned_dispatch_skips_unconditioned_handlers(app: Sanic) -> None:
    # Dispatching on a blueprint (a condition) runs only that blueprint's signals.
    seen: list[str] = []
    app.add_signal(lambda: seen.append("plain"), "foo.bar.baz")
    app.add_signal(lambda: seen.append("bp"), "foo.bar.baz", condition={"bp": "1"})

    async def main() -> None:
        await app.dispatch("foo.bar.baz", condition={"bp": "1"}, inline=True)

    run(main)
    assert seen == ["bp"]


def test_non_exclusive_handler_also_runs_without_condition(app: Sanic) -> None:
    seen: list[str] = []
    app.add_signal(
        lambda: seen.append("non-exclusive"),
        "foo.bar.baz",
        condition={"x": "a"},
        exclusive=False,
    )

    async def main() -> None:
        await app.dispatch("foo.bar.baz", inline=True)
        await app.dispatch("foo.bar.baz", condition={"x": "b"}, inline=True)

    run(main)
    assert seen == ["non-exclusive"]


# ---- errors ---------------------------------------------------------------------


def test_inline_handler_exception_propagates_to_the_dispatcher(app: Sanic) -> None:
    seen: list[str] = []

    @app.signal("foo.bar.baz", priority=1)
    def fails() -> None:
        raise ValueError("boom")

    @app.signal("foo.bar.baz")
    def later() -> None:
        seen.append("later")

    async def main() -> None:
        await app.dispatch("foo.bar.baz", inline=True)

    with pytest.raises(ValueError, match="boom"):
        run(main)
    assert seen == []


def test_background_handler_exception_is_reported_and_kept(app: Sanic) -> None:
    reported: list[BaseException] = []

    @app.report_exception
    def report(app: Sanic, exception: Exception) -> None:
        reported.append(exception)

    @app.signal("foo.bar.baz")
    async def fails() -> None:
        raise ValueError("boom")

    async def main() -> None:
        task = await app.dispatch("foo.bar.baz")
        with pytest.raises(ValueError, match="boom"):
            await task

    run(main)
    assert [str(e) for e in reported] == ["boom"]


# ---- waiting --------------------------------------------------------------------


def test_event_resolves_with_a_copy_of_the_dispatched_context(app: Sanic) -> None:
    app.add_signal(None, "foo.bar.baz")

    async def main() -> None:
        waiting = asyncio.create_task(app.event("foo.bar.baz"))
        await asyncio.sleep(0)
        assert not waiting.done()
        context = {"user": 1}
        await app.dispatch("foo.bar.baz", context=context)
        received = await asyncio.wait_for(waiting, 1)
        assert received == {"user": 1}
        assert received is not context

    run(main)


def test_event_raises_timeout_error_after_its_timeout(app: Sanic) -> None:
    app.add_signal(None, "foo.bar.baz")

    async def main() -> None:
        await app.event("foo.bar.baz", timeout=0.01)

    with pytest.raises(asyncio.TimeoutError):
        run(main)


def test_event_for_an_unregistered_signal_raises_not_found(app: Sanic) -> None:
    async def main() -> None:
        await app.event("foo.bar.baz", timeout=1)

    with pytest.raises(NotFound, match="Could not find signal foo.bar.baz"):
        run(main)


def test_event_autoregister_declares_the_event_and_waits(app: Sanic) -> None:
    app.config.EVENT_AUTOREGISTER = True

    async def main() -> None:
        waiting = asyncio.create_task(app.event("foo.bar.baz"))
        await asyncio.sleep(0)
        await app.dispatch("foo.bar.baz", context={"any": "context"}, inline=True)
        assert await asyncio.wait_for(waiting, 1) == {"any": "context"}

    run(main)
    assert app.signal_router.has_handlers("foo.bar.baz")


def test_event_wildcard_waits_for_any_action_of_a_dynamic_signal(app: Sanic) -> None:
    app.add_signal(lambda thing: None, "foo.bar.<thing>")

    async def main() -> None:
        waiting = asyncio.create_task(app.event("foo.bar.*"))
        await asyncio.sleep(0)
        await app.dispatch("foo.bar.anything", context={"thing": "ignored"})
        assert await asyncio.wait_for(waiting, 1) == {"thing": "ignored"}

    run(main)


def test_event_with_a_condition_waits_for_that_condition(app: Sanic) -> None:
    app.add_signal(None, "foo.bar.baz")

    async def main() -> None:
        waiting = asyncio.create_task(app.event("foo.bar.baz", condition={"x": "a"}))
        await asyncio.sleep(0)
        await app.dispatch("foo.bar.baz", context={"n": 1}, condition={"x": "b"})
        await app.dispatch("foo.bar.baz", context={"n": 2})
        assert not waiting.done()
        await app.dispatch("foo.bar.baz", context={"n": 3}, condition={"x": "a"})
        assert await asyncio.wait_for(waiting, 1) == {"n": 3}

    run(main)


# ---- cost -----------------------------------------------------------------------


def test_dispatch_does_not_try_placeholders_of_other_events(app: Sanic) -> None:
    signal = app.signal_router.add(lambda thing: None, "foo.bar.<thing>")
    tried: list[str] = []
    match = signal.match
    assert match is not None

    def counting(action: str) -> dict[str, Any] | None:
        tried.append(action)
        return match(action)

    signal.match = counting

    async def main() -> None:
        await app.dispatch("http.lifecycle.request", fail_not_found=False, inline=True)
        await app.dispatch("foo.other.baz", fail_not_found=False, inline=True)
        await app.dispatch("foo.bar.baz", inline=True)

    run(main)
    assert tried == ["baz"]


# ---- through the server ---------------------------------------------------------


def test_route_handler_dispatches_a_custom_event(app: Sanic) -> None:
    emails: list[str] = []

    @app.signal("user.registration.created")
    async def send_registration_email(email: str) -> None:
        emails.append(email)

    @app.get("/")
    async def register(request):
        await request.app.dispatch(
            "user.registration.created", context={"email": "a@example.com"}
        )
        return text("registered")

    _, response = app.test_client.get("/")
    assert response.status == 200
    assert response.text == "registered"
    assert emails == ["a@example.com"]


def test_builtin_signal_runs_during_a_request(app: Sanic) -> None:
    paths: list[str] = []

    @app.signal(Event.HTTP_LIFECYCLE_REQUEST)
    def on_request(request) -> None:
        paths.append(request.path)

    @app.get("/hello")
    async def hello(request):
        return text("hi")

    _, response = app.test_client.get("/hello")
    assert response.status == 200
    assert paths == ["/hello"]


# ---- blueprints -----------------------------------------------------------------


def test_app_dispatch_reaches_blueprint_signals_but_bp_dispatch_only_its_own(
    app: Sanic,
) -> None:
    bp = Blueprint("bp")
    counts = {"app": 0, "bp": 0}

    @app.signal("foo.bar.baz")
    def app_signal() -> None:
        counts["app"] += 1

    @bp.signal("foo.bar.baz")
    def bp_signal() -> None:
        counts["bp"] += 1

    app.blueprint(bp)

    async def main() -> None:
        await app.dispatch("foo.bar.baz")
        assert counts == {"app": 1, "bp": 1}
        await bp.dispatch("foo.bar.baz")
        assert counts == {"app": 1, "bp": 2}

    run(main)


def test_blueprint_handler_with_a_condition_hears_app_dispatches_with_it(
    app: Sanic,
) -> None:
    bp = Blueprint("bp")
    seen: list[str] = []

    @bp.signal("http.middleware.before", condition={"attach_to": "request"})
    def before(request, response) -> None:
        seen.append(request.path)

    @bp.get("/")
    async def index(request):
        return text("ok")

    @app.middleware("request")
    async def noop(request) -> None:
        pass

    app.blueprint(bp)

    _, response = app.test_client.get("/")
    assert response.status == 200
    assert seen == ["/"]
