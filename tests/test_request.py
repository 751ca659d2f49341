"""What a handler can read from the Request."""

import asyncio
import base64
import uuid

import pytest

from sanic import Request
from sanic.exceptions import ServerError
from sanic.response import json, text


def test_request_line_properties(app):
    @app.get("/path/here")
    async def handler(request):
        return json(
            {
                "method": request.method,
                "path": request.path,
                "query_string": request.query_string,
                "scheme": request.scheme,
                "host": request.host,
                "server_name": request.server_name,
                "server_port": request.server_port,
                "url": request.url,
                "version": request.version,
            }
        )

    _, response = app.test_client.get(
        "/path/here?a=1&b=2", headers={"Host": "example.com:8123"}
    )
    assert response.json == {
        "method": "GET",
        "path": "/path/here",
        "query_string": "a=1&b=2",
        "scheme": "http",
        "host": "example.com:8123",
        "server_name": "example.com",
        "server_port": 8123,
        "url": "http://example.com:8123/path/here?a=1&b=2",
        "version": "1.1",
    }


def test_query_args_keep_order_and_blank_values(app):
    @app.get("/")
    async def handler(request):
        return json(
            {
                "args": request.args,
                "get": request.args.get("a"),
                "getlist": request.args.getlist("a"),
                "missing": request.args.get("zzz", "default"),
                "query_args": request.query_args,
                "blank": request.get_args(keep_blank_values=True),
                "blank_pairs": request.get_query_args(keep_blank_values=True),
            }
        )

    _, response = app.test_client.get("/?a=1&b=2&a=3&empty=")
    data = response.json
    assert data["args"] == {"a": ["1", "3"], "b": ["2"]}
    assert data["get"] == "1"
    assert data["getlist"] == ["1", "3"]
    assert data["missing"] == "default"
    assert data["query_args"] == [["a", "1"], ["b", "2"], ["a", "3"]]
    assert data["blank"] == {"a": ["1", "3"], "b": ["2"], "empty": [""]}
    assert data["blank_pairs"][-1] == ["empty", ""]


def test_headers_are_case_insensitive_and_multi_valued(app):
    @app.get("/")
    async def handler(request):
        return json(
            {
                "lower": request.headers.get("x-thing"),
                "upper": request.headers["X-THING"],
                "all": request.headers.getall("x-multi"),
                "attr": request.headers.user_agent,
            }
        )

    _, response = app.test_client.get(
        "/",
        headers=[
            ("X-Thing", "v"),
            ("X-Multi", "1"),
            ("X-Multi", "2"),
            ("User-Agent", "ua/1"),
        ],
    )
    assert response.json == {
        "lower": "v",
        "upper": "v",
        "all": ["1", "2"],
        "attr": "ua/1",
    }


def test_body_and_json(app):
    @app.post("/")
    async def handler(request):
        return json({"body": request.body.decode(), "json": request.json})

    _, response = app.test_client.post("/", json={"a": [1, 2]})
    assert response.json == {"body": '{"a":[1,2]}', "json": {"a": [1, 2]}}


def test_invalid_json_body_is_400(app):
    @app.post("/")
    async def handler(request):
        return json(request.json)

    _, response = app.test_client.post(
        "/", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status == 400


def test_app_loads_is_used_for_json(app):
    from sanic import Sanic

    calls = []

    def my_loads(data):
        calls.append(data)
        return {"custom": True}

    custom = Sanic(app.name + "_loads", loads=my_loads)
    try:

        @custom.post("/")
        async def handler(request):
            return json(request.json)

        _, response = custom.test_client.post("/", content=b"{}")
        assert response.json == {"custom": True}
        assert calls
    finally:
        Sanic.unregister_app(custom)


def test_urlencoded_form(app):
    @app.post("/")
    async def handler(request):
        return json({"form": request.form, "name": request.form.get("name")})

    _, response = app.test_client.post("/", data={"name": "Ada", "tag": ["a", "b"]})
    assert response.json == {
        "form": {"name": ["Ada"], "tag": ["a", "b"]},
        "name": "Ada",
    }


def test_multipart_form_and_files(app):
    @app.post("/")
    async def handler(request):
        upload = request.files.get("upload")
        return json(
            {
                "field": request.form.get("field"),
                "name": upload.name,
                "type": upload.type,
                "body": upload.body.decode(),
            }
        )

    _, response = app.test_client.post(
        "/",
        data={"field": "value"},
        files={"upload": ("notes.txt", b"file contents", "text/plain")},
    )
    assert response.json == {
        "field": "value",
        "name": "notes.txt",
        "type": "text/plain",
        "body": "file contents",
    }


def test_cookies(app):
    @app.get("/")
    async def handler(request):
        return json(
            {
                "one": request.cookies.get("one"),
                "missing": request.cookies.get("missing"),
                "list": request.cookies.getlist("one"),
            }
        )

    _, response = app.test_client.get("/", headers={"Cookie": "one=1; two=2"})
    assert response.json == {"one": "1", "missing": None, "list": ["1"]}


def test_content_type_defaults_to_octet_stream(app):
    @app.post("/")
    async def handler(request):
        return text(request.content_type)

    assert app.test_client.post("/", content=b"x")[1].text == "application/octet-stream"
    _, response = app.test_client.post(
        "/", content=b"x", headers={"content-type": "text/csv"}
    )
    assert response.text == "text/csv"


def test_ip_port_and_remote_addr(app):
    @app.get("/")
    async def handler(request):
        return json(
            {
                "ip": request.ip,
                "port": request.port,
                "remote_addr": request.remote_addr,
                "client_ip": request.client_ip,
            }
        )

    _, response = app.test_client.get("/")
    data = response.json
    assert data["ip"] == "127.0.0.1"
    assert isinstance(data["port"], int) and data["port"] > 0
    assert data["remote_addr"] == ""
    assert data["client_ip"] == "127.0.0.1"


def test_remote_addr_from_trusted_proxy_header(app):
    app.config.REAL_IP_HEADER = "x-real-ip"

    @app.get("/")
    async def handler(request):
        return json(
            {"remote_addr": request.remote_addr, "client_ip": request.client_ip}
        )

    _, response = app.test_client.get("/", headers={"X-Real-IP": "203.0.113.7"})
    assert response.json == {"remote_addr": "203.0.113.7", "client_ip": "203.0.113.7"}


def test_request_id_is_a_uuid_or_the_request_id_header(app):
    @app.get("/")
    async def handler(request):
        return text(str(request.id))

    generated = app.test_client.get("/")[1].text
    assert uuid.UUID(generated)
    given = str(uuid.uuid4())
    assert app.test_client.get("/", headers={"X-Request-ID": given})[1].text == given


def test_request_ctx_is_per_request(app):
    @app.on_request
    async def set_user(request):
        request.ctx.user = "ada"

    @app.get("/")
    async def handler(request):
        return text(request.ctx.user)

    assert app.test_client.get("/")[1].text == "ada"


def test_conn_info_ctx_lives_across_keep_alive_requests(app):
    from tests.server_thread import connect, read_responses, serve_in_thread

    @app.get("/")
    async def handler(request):
        request.conn_info.ctx.count = getattr(request.conn_info.ctx, "count", 0) + 1
        return text(str(request.conn_info.ctx.count))

    with serve_in_thread(app) as port, connect(port) as sock:
        bodies = []
        for _ in range(3):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            bodies.append(read_responses(sock, 1)[0].split(b"\r\n\r\n")[1])
        assert bodies == [b"1", b"2", b"3"]


@pytest.mark.parametrize(
    "method,safe,idempotent,cacheable",
    [
        ("GET", True, True, True),
        ("HEAD", True, True, True),
        ("OPTIONS", True, True, False),
        ("POST", False, False, False),
        ("PUT", False, True, False),
        ("PATCH", False, False, False),
        ("DELETE", False, True, False),
    ],
)
def test_method_properties(app, method, safe, idempotent, cacheable):
    result = {}

    @app.route("/", methods=[method])
    async def handler(request):
        result.update(
            safe=request.is_safe,
            idempotent=request.is_idempotent,
            cacheable=request.is_cacheable,
        )
        return text("")

    app.test_client.request(method, "/")
    assert result == {"safe": safe, "idempotent": idempotent, "cacheable": cacheable}


def test_token_and_credentials(app):
    @app.get("/")
    async def handler(request):
        credentials = request.credentials
        return json(
            {
                "token": request.token,
                "auth_type": credentials.auth_type if credentials else None,
                "username": getattr(credentials, "username", None),
                "password": getattr(credentials, "password", None),
            }
        )

    _, response = app.test_client.get("/", headers={"Authorization": "Bearer abc.def"})
    assert response.json["token"] == "abc.def"
    assert response.json["auth_type"] == "Bearer"

    basic = base64.b64encode(b"ada:secret").decode()
    _, response = app.test_client.get("/", headers={"Authorization": f"Basic {basic}"})
    assert response.json["auth_type"] == "Basic"
    assert response.json["username"] == "ada"
    assert response.json["password"] == "secret"


def test_accept_is_parsed_and_matched(app):
    @app.get("/")
    async def handler(request):
        match = request.accept.match("application/json", "text/html")
        return json(
            {
                "match": str(match.mime) if match else None,
                "first": str(request.accept[0]),
            }
        )

    _, response = app.test_client.get(
        "/", headers={"Accept": "text/html;q=0.8, application/json"}
    )
    assert response.json == {"match": "application/json", "first": "application/json"}


def test_request_url_for(app):
    @app.get("/user/<uid:int>")
    async def user(request, uid):
        return text(request.url_for("user", uid=3))

    _, response = app.test_client.get("/user/1", headers={"Host": "example.com"})
    assert response.text == "http://example.com/user/3"


def test_request_get_current_inside_and_outside_a_handler(app):
    @app.get("/")
    async def handler(request):
        await asyncio.sleep(0)
        return text(str(Request.get_current() is request))

    assert app.test_client.get("/")[1].text == "True"
    with pytest.raises(ServerError):
        Request.get_current()


def test_request_respond_streams_the_response(app):
    @app.get("/")
    async def handler(request):
        response = await request.respond(content_type="text/csv")
        await response.send("a,b\n")
        await response.send("1,2\n")
        await response.eof()

    _, response = app.test_client.get("/")
    assert response.status == 200
    assert response.text == "a,b\n1,2\n"
    assert response.headers["content-type"] == "text/csv"
    assert response.headers["transfer-encoding"] == "chunked"


def test_request_respond_with_a_full_response(app):
    @app.get("/")
    async def handler(request):
        await request.respond(json({"early": True}))

    _, response = app.test_client.get("/")
    assert response.json == {"early": True}


def test_request_protocol_and_transport(app):
    @app.get("/")
    async def handler(request):
        from sanic.server.protocols.http_protocol import HttpProtocol

        return text(str(isinstance(request.protocol, HttpProtocol)))

    assert app.test_client.get("/")[1].text == "True"


def test_nothing_is_parsed_before_it_is_read(app):
    seen = {}

    @app.get("/")
    async def handler(request):
        seen["headers_raw"] = isinstance(request._headers, list)
        seen["args"] = request.parsed_args
        seen["cookies"] = request._cookies
        seen["form"] = request.parsed_form
        return text("")

    app.test_client.get("/?a=1", headers={"Cookie": "a=b"})
    assert seen == {"headers_raw": True, "args": None, "cookies": None, "form": None}
