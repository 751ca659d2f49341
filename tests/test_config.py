"""Config: the Configuration page's examples, env loading, files, checked keys."""

from __future__ import annotations

import pickle
import sys
import warnings
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from sanic import Sanic
from sanic.config import DEFAULT_CONFIG, Config, DetailedConverter, LocalCertCreator
from sanic.exceptions import LoadFileException, PyFileError
from sanic.log import SanicDeprecationWarning, deprecation
from sanic.utils import load_module_from_file_location, str_to_bool


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """No SANIC_/MYAPP_ variables from the machine leak into these tests."""
    import os

    for key in list(os.environ):
        if key.startswith(("SANIC_", "MYAPP_")):
            monkeypatch.delenv(key)


@pytest.fixture(autouse=True)
def _restore_warning_filters():
    with warnings.catch_warnings():
        yield


# ---- defaults and access ------------------------------------------------------


def test_builtin_defaults():
    config = Config()
    assert config.REQUEST_TIMEOUT == 60
    assert config.RESPONSE_TIMEOUT == 60
    assert config.KEEP_ALIVE is True
    assert config.KEEP_ALIVE_TIMEOUT == 120
    assert config.REQUEST_MAX_SIZE == 100_000_000
    assert config.REQUEST_BUFFER_SIZE == 65536
    assert config.REQUEST_MAX_HEADER_SIZE == 8192
    assert config.GRACEFUL_SHUTDOWN_TIMEOUT == 15.0
    assert config.FORWARDED_FOR_HEADER == "X-Forwarded-For"
    assert config.REQUEST_ID_HEADER == "X-Request-ID"
    assert config.FORWARDED_SECRET is None
    assert config.PROXIES_COUNT is None
    assert config.REAL_IP_HEADER is None
    assert config.WEBSOCKET_MAX_SIZE == 2**20
    assert config.WEBSOCKET_PING_INTERVAL == 20
    assert config.WEBSOCKET_PING_TIMEOUT == 20
    assert config.FALLBACK_ERROR_FORMAT == "auto"
    assert config.DEPRECATION_FILTER == "once"
    assert config.INSPECTOR_PORT == 6457
    assert config.LOCAL_CERT_CREATOR is LocalCertCreator.AUTO
    assert config.WORKER_MAX_REQUESTS == 0
    assert config.UNIX == ""
    assert config.UNIX_MODE == 0o666
    assert config.SERVER_NAME == ""
    assert set(DEFAULT_CONFIG) <= set(config)


def test_dot_notation_and_items_are_the_same_value():
    config = Config()
    config.DB_NAME = "appdb"
    config["DB_USER"] = "appuser"
    assert config["DB_NAME"] == "appdb"
    assert config.DB_USER == "appuser"


def test_missing_attribute_names_the_key():
    with pytest.raises(AttributeError, match="NOPE"):
        getattr(Config(), "NOPE")  # noqa: B009


DESIGN_KEYS = """ACCESS_LOG AUTO_EXTEND AUTO_RELOAD DEPRECATION_FILTER EVENT_AUTOREGISTER
FALLBACK_ERROR_FORMAT FORWARDED_FOR_HEADER FORWARDED_SECRET GRACEFUL_SHUTDOWN_TIMEOUT
GRACEFUL_TCP_CLOSE_TIMEOUT INSPECTOR INSPECTOR_API_KEY INSPECTOR_HOST INSPECTOR_PORT
INSPECTOR_TLS_CERT INSPECTOR_TLS_KEY KEEP_ALIVE KEEP_ALIVE_TIMEOUT LOCALHOST
LOCAL_CERT_CREATOR LOCAL_TLS_CERT LOCAL_TLS_KEY LOG_EXTRA MOTD MOTD_DISPLAY
NOISY_EXCEPTIONS NO_COLOR PROXIES_COUNT REAL_IP_HEADER REQUEST_BUFFER_SIZE
REQUEST_ID_HEADER REQUEST_MAX_HEADER_SIZE REQUEST_MAX_SIZE REQUEST_TIMEOUT
RESPONSE_TIMEOUT TLS_CERT_PASSWORD USE_UVLOOP WEBSOCKET_MAX_SIZE WEBSOCKET_PING_INTERVAL
WEBSOCKET_PING_TIMEOUT WORKER_MAX_REQUESTS WORKER_MAX_REQUESTS_JITTER UNIX
UNIX_MODE""".split()


def test_every_design_key_has_a_default():
    assert set(DESIGN_KEYS) <= set(DEFAULT_CONFIG)
    assert set(DESIGN_KEYS) <= set(Config())


def test_lowercase_keys_are_allowed_like_a_dict():
    config = Config()
    config.update({"db_host": "localhost"})
    config.other = 1
    assert config["db_host"] == "localhost"
    assert config.other == config["other"] == 1


@pytest.mark.parametrize("key", ["update", "get", "items", "update_config", "load"])
def test_key_named_like_a_config_method_is_an_error(key):
    config = Config()
    with pytest.raises(ValueError, match=f"'{key}'.*UPPERCASE"):
        config.update({key: 1})
    with pytest.raises(ValueError, match=f"'{key}'"):
        config[key] = 1
    with pytest.raises(ValueError, match=f"'{key}'"):
        setattr(config, key, 1)
    assert key not in config
    assert callable(getattr(config, key))


def test_delete_attribute():
    config = Config()
    config.TEMP = 1
    del config.TEMP
    assert "TEMP" not in config
    with pytest.raises(AttributeError, match="TEMP"):
        del config.TEMP


def test_update_like_a_dict():
    config = Config()
    config.update(
        {"DB_HOST": "localhost", "DB_NAME": "appdb"}, [("DB_PORT", 5432)], DB_USER="u"
    )
    assert (config.DB_HOST, config.DB_NAME, config.DB_PORT, config.DB_USER) == (
        "localhost",
        "appdb",
        5432,
        "u",
    )


def test_defaults_argument_and_keep_alive():
    config = Config(defaults={"REQUEST_TIMEOUT": 5, "MY_KEY": "x"}, keep_alive=False)
    assert config.REQUEST_TIMEOUT == 5
    assert config.MY_KEY == "x"
    assert config.KEEP_ALIVE is False


def test_mutable_defaults_are_not_shared():
    first, second = Config(), Config()
    first.MOTD_DISPLAY["key"] = "value"
    assert second.MOTD_DISPLAY == {}
    assert DEFAULT_CONFIG["MOTD_DISPLAY"] == {}


def test_survives_pickling():
    config = Config()
    config.MY_SETTING = [1, 2]
    config.REQUEST_TIMEOUT = 3
    restored = pickle.loads(pickle.dumps(config))
    assert restored.MY_SETTING == [1, 2]
    assert restored.REQUEST_TIMEOUT == 3
    with pytest.raises(ValueError, match="REQUEST_TIMEOUT"):
        restored.REQUEST_TIMEOUT = "slow"


# ---- environment variables ------------------------------------------------------


def test_env_var_with_default_prefix(monkeypatch):
    monkeypatch.setenv("SANIC_REQUEST_TIMEOUT", "10")
    assert Config().REQUEST_TIMEOUT == 10


def test_env_var_with_custom_prefix(monkeypatch):
    monkeypatch.setenv("MYAPP_REQUEST_TIMEOUT", "10")
    monkeypatch.setenv("SANIC_RESPONSE_TIMEOUT", "11")
    config = Config(env_prefix="MYAPP_")
    assert config.REQUEST_TIMEOUT == 10
    assert config.RESPONSE_TIMEOUT == 60


def test_env_loading_disabled(monkeypatch):
    monkeypatch.setenv("SANIC_REQUEST_TIMEOUT", "10")
    assert Config(env_prefix=None).REQUEST_TIMEOUT == 60


def test_env_overrides_defaults_argument(monkeypatch):
    monkeypatch.setenv("SANIC_MY_KEY", "from-env")
    assert Config(defaults={"MY_KEY": "from-code"}).MY_KEY == "from-env"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        ("1.5", 1.5),
        ("true", True),
        ("Yes", True),
        ("off", False),
        ("f", False),
        ("1", 1),
        ("hello", "hello"),
        ("none", "none"),
    ],
)
def test_env_values_are_hydrated(monkeypatch, raw, expected):
    monkeypatch.setenv("SANIC_MY_VALUE", raw)
    value = Config().MY_VALUE
    assert value == expected
    assert type(value) is type(expected)


def test_env_keys_must_be_uppercase(monkeypatch):
    monkeypatch.setenv("SANIC_lower", "1")
    monkeypatch.setenv("SANIC_Mixed_Case", "1")
    config = Config()
    assert "lower" not in config
    assert "Mixed_Case" not in config


def test_env_prefix_alone_is_not_a_key(monkeypatch):
    monkeypatch.setenv("SANIC_", "1")
    assert "" not in Config()


def test_app_loads_env_at_creation(monkeypatch):
    monkeypatch.setenv("SANIC_REQUEST_TIMEOUT", "10")
    monkeypatch.setenv("MYAPP_REQUEST_TIMEOUT", "20")
    default, custom, off = (
        Sanic(f"test_{uuid4().hex[:12]}", env_prefix=prefix)
        for prefix in ("SANIC_", "MYAPP_", None)
    )
    try:
        assert default.config.REQUEST_TIMEOUT == 10
        assert custom.config.REQUEST_TIMEOUT == 20
        assert off.config.REQUEST_TIMEOUT == 60
    finally:
        for one in (default, custom, off):
            Sanic.unregister_app(one)


def test_load_environment_vars_directly(monkeypatch):
    config = Config(env_prefix=None)
    monkeypatch.setenv("OTHER_THING", "7")
    config.load_environment_vars("OTHER_")
    assert config.THING == 7


def test_bad_env_value_for_builtin_key_names_the_variable(monkeypatch):
    monkeypatch.setenv("SANIC_REQUEST_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="SANIC_REQUEST_TIMEOUT.*soon"):
        Config()


def test_converters_argument(monkeypatch):
    monkeypatch.setenv("SANIC_APP_ID", "5bd0e2cd-1f3a-4c9e-8f26-5d6a9b1f0c11")
    monkeypatch.setenv("SANIC_COUNT", "3")
    config = Config(converters=[UUID])
    assert config.APP_ID == UUID("5bd0e2cd-1f3a-4c9e-8f26-5d6a9b1f0c11")
    assert config.COUNT == 3


def test_register_type_then_reload(monkeypatch):
    monkeypatch.setenv("SANIC_APP_ID", "5bd0e2cd-1f3a-4c9e-8f26-5d6a9b1f0c11")
    config = Config()
    assert config.APP_ID == "5bd0e2cd-1f3a-4c9e-8f26-5d6a9b1f0c11"
    config.register_type(UUID)
    config.load_environment_vars()
    assert isinstance(config.APP_ID, UUID)


def test_registered_converters_come_before_the_builtin_ones(monkeypatch):
    monkeypatch.setenv("SANIC_PORT", "8000")
    config = Config(converters=[lambda value: f"port {value}"])
    assert config.PORT == "port 8000"


def test_registered_converters_are_tried_in_registration_order(monkeypatch):
    monkeypatch.setenv("SANIC_VALUE", "x")
    config = Config(env_prefix=None)
    config.register_type(lambda value: "first")
    config.register_type(lambda value: "second")
    config.load_environment_vars()
    assert config.VALUE == "first"


def test_converter_raising_value_error_passes_the_value_on(monkeypatch):
    def only_digits(value: str) -> str:
        if not value.isdigit():
            raise ValueError(value)
        return f"digits {value}"

    monkeypatch.setenv("SANIC_A", "12")
    monkeypatch.setenv("SANIC_B", "1.5")
    config = Config(converters=[only_digits])
    assert (config.A, config.B) == ("digits 12", 1.5)


def test_converters_is_the_fourth_argument(monkeypatch):
    monkeypatch.setenv("SANIC_APP_ID", "5bd0e2cd-1f3a-4c9e-8f26-5d6a9b1f0c11")
    assert isinstance(Config(None, "SANIC_", None, [UUID]).APP_ID, UUID)


def test_register_type_rejects_non_callables():
    with pytest.raises(TypeError, match="callable"):
        Config().register_type("UUID")


class DefaultsTypeCasting(DetailedConverter):
    """The Configuration page's example: cast to the type of the default."""

    def __call__(self, full_key, config_key, value, defaults):
        try:
            if config_key in defaults:
                return type(defaults[config_key])(value)
        except (ValueError, TypeError) as error:
            raise TypeError(
                f"{full_key}: expected {type(defaults[config_key])}"
            ) from error
        return None


def test_detailed_converter_casts_to_the_default_type(monkeypatch):
    monkeypatch.setenv("SANIC_PREFIX_CHAR", "f")
    monkeypatch.setenv("SANIC_PORT_NUMBER", "8001")
    monkeypatch.setenv("SANIC_OTHER", "f")
    config = Config(
        defaults={"PREFIX_CHAR": "0", "PORT_NUMBER": 1},
        converters=[DefaultsTypeCasting()],
    )
    assert config.PREFIX_CHAR == "f"
    assert config.PORT_NUMBER == 8001
    assert config.OTHER is False  # returned None: the built-in converters decide


def test_detailed_converter_errors_reach_the_caller(monkeypatch):
    monkeypatch.setenv("SANIC_PORT_NUMBER", "eighty")
    with pytest.raises(TypeError, match="SANIC_PORT_NUMBER"):
        Config(defaults={"PORT_NUMBER": 1}, converters=[DefaultsTypeCasting()])


# ---- update_config ------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_update_config_from_file(tmp_path):
    path = _write(tmp_path / "my_config.py", "A = 1\nB = 2\nlower = 3\n_HIDDEN = 4\n")
    for location in (str(path), path, str(path).encode()):
        config = Config()
        config.update_config(location)
        assert (config.A, config.B) == (1, 2)
        assert "lower" not in config


def test_update_config_path_with_env_var(tmp_path, monkeypatch):
    _write(tmp_path / "my_config.py", "A = 1\n")
    monkeypatch.setenv("my_path", str(tmp_path))
    config = Config()
    config.update_config("${my_path}/my_config.py")
    assert config.A == 1


def test_update_config_missing_env_var_is_named(monkeypatch):
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(LoadFileException, match="NOT_SET_ANYWHERE"):
        Config().update_config("${NOT_SET_ANYWHERE}/my_config.py")


def test_update_config_missing_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.py"
    with pytest.raises(LoadFileException, match="nowhere.py"):
        Config().update_config(str(missing))


def test_update_config_file_that_raises_is_named(tmp_path):
    path = _write(tmp_path / "broken.py", "A = 1\nB = undefined_name\n")
    with pytest.raises(PyFileError, match="broken.py.*undefined_name"):
        Config().update_config(path)


def test_update_config_file_with_syntax_error(tmp_path):
    path = _write(tmp_path / "bad_syntax.py", "A = = 1\n")
    with pytest.raises(PyFileError, match="bad_syntax.py"):
        Config().update_config(path)


def test_update_config_non_py_file_is_executed(tmp_path):
    path = _write(tmp_path / "settings.cfg", "A = 'from cfg'\n")
    config = Config()
    config.update_config(path)
    assert config.A == "from cfg"


def test_update_config_from_dict():
    config = Config()
    config.update_config({"A": 1, "B": 2})
    assert (config.A, config.B) == (1, 2)


def test_update_config_dict_with_lowercase_keys_is_an_error():
    config = Config()
    with pytest.raises(ValueError, match="UPPERCASE.*'lower'.*'Mixed'"):
        config.update_config({"A": 1, "lower": 3, "Mixed": 4})
    assert "A" not in config


def test_update_config_file_ignores_imports_and_helpers(tmp_path):
    path = _write(
        tmp_path / "with_helpers.py",
        "import os\n\ndef helper():\n    return 1\n\nSEP = os.sep\n",
    )
    config = Config()
    config.update_config(path)
    assert config.SEP == __import__("os").sep
    assert "os" not in config
    assert "helper" not in config


def test_app_update_config_expands_home(tmp_path, monkeypatch, app):
    _write(tmp_path / "settings.py", "FROM_HOME = 'yes'\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    app.update_config("${HOME}/settings.py")
    assert app.config.FROM_HOME == "yes"


def test_app_update_config_missing_file_names_it(tmp_path, app):
    with pytest.raises(LoadFileException, match=r"nowhere\.py.*no such file"):
        app.update_config(str(tmp_path / "nowhere.py"))


def test_update_config_from_class_and_object():
    class Base:
        INHERITED = "base"

    class C(Base):
        A = 1
        B = 2
        lower = 3

    config = Config()
    config.update_config(C)
    assert (config.A, config.B, config.INHERITED) == (1, 2, "base")
    assert "lower" not in config

    instance = C()
    instance.A = 10
    other = Config()
    other.load(instance)
    assert (other.A, other.B) == (10, 2)


def test_update_config_from_module_name(tmp_path, monkeypatch):
    _write(tmp_path / "my_settings_module.py", "A = 'imported'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    config = Config()
    config.update_config("my_settings_module")
    assert config.A == "imported"
    sys.modules.pop("my_settings_module", None)


def test_update_config_values_are_checked():
    with pytest.raises(ValueError, match="FALLBACK_ERROR_FORMAT"):
        Config().update_config({"FALLBACK_ERROR_FORMAT": "xml"})


# ---- checked keys -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["auto", "text", "json", "html"])
def test_fallback_error_format_accepts_documented_values(value):
    config = Config()
    config.FALLBACK_ERROR_FORMAT = value
    assert config.FALLBACK_ERROR_FORMAT == value


def test_fallback_error_format_rejects_others():
    config = Config()
    with pytest.raises(ValueError, match="FALLBACK_ERROR_FORMAT.*'json'.*'xml'"):
        config.FALLBACK_ERROR_FORMAT = "xml"
    assert config.FALLBACK_ERROR_FORMAT == "auto"


def test_deprecation_filter_error_turns_warnings_into_errors():
    config = Config()
    config.DEPRECATION_FILTER = "error"
    with pytest.raises(SanicDeprecationWarning, match="old thing"):
        deprecation("old thing", 99.9)


def test_deprecation_filter_ignore_silences():
    Config(defaults={"DEPRECATION_FILTER": "ignore"})
    with warnings.catch_warnings(record=True) as caught:
        deprecation("old thing", 99.9)
    assert not [w for w in caught if issubclass(w.category, SanicDeprecationWarning)]


@pytest.mark.parametrize(
    "action", ["default", "error", "ignore", "always", "module", "once"]
)
def test_deprecation_filter_accepts_every_warnings_action(action):
    config = Config()
    config.DEPRECATION_FILTER = action
    assert config.DEPRECATION_FILTER == action


def test_deprecation_filter_once_shows_a_deprecation_once():
    Config()
    message = f"shown once {id(object())}"
    with warnings.catch_warnings(record=True) as caught:
        deprecation(message, 99.9)
        deprecation(message, 99.9)
    shown = [w for w in caught if issubclass(w.category, SanicDeprecationWarning)]
    assert len(shown) == 1
    assert message in str(shown[0].message)


def test_deprecation_filter_rejects_unknown_actions():
    with pytest.raises(ValueError, match="DEPRECATION_FILTER.*'once'.*'loud'"):
        Config().DEPRECATION_FILTER = "loud"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("auto", LocalCertCreator.AUTO),
        ("MkCert", LocalCertCreator.MKCERT),
        ("TRUSTME", LocalCertCreator.TRUSTME),
        (LocalCertCreator.MKCERT, LocalCertCreator.MKCERT),
    ],
)
def test_local_cert_creator(value, expected):
    config = Config()
    config.LOCAL_CERT_CREATOR = value
    assert config.LOCAL_CERT_CREATOR is expected
    assert config.LOCAL_CERT_CREATOR == expected.value


def test_local_cert_creator_rejects_others(monkeypatch):
    monkeypatch.setenv("SANIC_LOCAL_CERT_CREATOR", "openssl")
    with pytest.raises(ValueError, match="SANIC_LOCAL_CERT_CREATOR.*'mkcert'"):
        Config()


def test_local_cert_creator_from_env(monkeypatch):
    monkeypatch.setenv("SANIC_LOCAL_CERT_CREATOR", "trustme")
    assert Config().LOCAL_CERT_CREATOR is LocalCertCreator.TRUSTME


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("REQUEST_TIMEOUT", "abc"),
        ("REQUEST_TIMEOUT", -1),
        ("KEEP_ALIVE_TIMEOUT", True),
        ("REQUEST_MAX_SIZE", 1.5),
        ("REQUEST_MAX_SIZE", None),
        ("INSPECTOR_PORT", 70000),
        ("PROXIES_COUNT", "2"),
    ],
)
def test_numeric_keys_reject_bad_values(key, value):
    config = Config()
    before = config[key]
    with pytest.raises(ValueError, match=key):
        config[key] = value
    assert config[key] == before


def test_numeric_keys_accept_numbers():
    config = Config()
    config.REQUEST_TIMEOUT = 0.5
    config.REQUEST_MAX_SIZE = 1e6
    config.WEBSOCKET_PING_INTERVAL = None
    config.PROXIES_COUNT = 2
    assert config.REQUEST_TIMEOUT == 0.5
    assert config.REQUEST_MAX_SIZE == 1_000_000
    assert type(config.REQUEST_MAX_SIZE) is int
    assert config.WEBSOCKET_PING_INTERVAL is None
    assert config.PROXIES_COUNT == 2


def test_checks_also_guard_setdefault_and_merge():
    config = Config()
    with pytest.raises(ValueError, match="FALLBACK_ERROR_FORMAT"):
        config |= {"FALLBACK_ERROR_FORMAT": "xml"}
    del config["FALLBACK_ERROR_FORMAT"]
    with pytest.raises(ValueError, match="FALLBACK_ERROR_FORMAT"):
        config.setdefault("FALLBACK_ERROR_FORMAT", "xml")


# ---- sanic.utils ----------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["y", "YES", "yep", "yup", "t", "True", "on", "enable", "enabled", "1"]
)
def test_str_to_bool_true(word):
    assert str_to_bool(word) is True


@pytest.mark.parametrize(
    "word", ["n", "No", "f", "FALSE", "off", "disable", "disabled", "0"]
)
def test_str_to_bool_false(word):
    assert str_to_bool(word) is False


def test_str_to_bool_accepts_nope():
    assert str_to_bool("Nope") is False


def test_str_to_bool_names_unknown_values():
    with pytest.raises(ValueError, match="'maybe'"):
        str_to_bool("maybe")


def test_load_module_from_file_location(tmp_path, monkeypatch):
    _write(tmp_path / "some_module.py", "VALUE = 'loaded'\n")
    monkeypatch.setenv("SOME_DIR", str(tmp_path))
    module = load_module_from_file_location("${SOME_DIR}/some_module.py")
    assert module.VALUE == "loaded"
    assert module.__name__ == "some_module"


def test_load_module_dollar_without_braces_is_literal(tmp_path, monkeypatch):
    monkeypatch.setenv("SOME_DIR", str(tmp_path))
    with pytest.raises(LoadFileException, match=r"\$SOME_DIR"):
        load_module_from_file_location("$SOME_DIR/some_module.py")


def test_load_module_by_dotted_name():
    module = load_module_from_file_location("json.decoder")
    assert module.__name__ == "json.decoder"


def test_load_module_unknown_name():
    with pytest.raises(LoadFileException, match="no_such_module_anywhere"):
        load_module_from_file_location("no_such_module_anywhere")


def test_subclass_attributes_become_settings(monkeypatch):
    class MyConfig(Config):
        FOO = "bar"
        REQUEST_TIMEOUT = 30

    monkeypatch.setenv("SANIC_REQUEST_TIMEOUT", "45")
    config = MyConfig()
    assert config["FOO"] == config.FOO == "bar"
    assert config.REQUEST_TIMEOUT == 45
    config.FOO = "baz"
    assert config.FOO == config["FOO"] == "baz"


def test_subclass_attributes_are_checked():
    class BadConfig(Config):
        FALLBACK_ERROR_FORMAT = "xml"

    with pytest.raises(ValueError, match="FALLBACK_ERROR_FORMAT"):
        BadConfig()


@pytest.mark.parametrize("text, mode", [("0o660", 0o660), ("640", 0o640)])
def test_unix_mode_from_the_environment_is_octal_text(monkeypatch, text, mode):
    monkeypatch.setenv("SANIC_UNIX_MODE", text)
    assert Config().UNIX_MODE == mode


def test_unix_mode_octal_string_is_read_as_octal():
    config = Config()
    config.UNIX_MODE = "0o600"
    assert config.UNIX_MODE == 0o600


@pytest.mark.parametrize("value", ["rwx", 0o1777, -1, True])
def test_bad_unix_mode_is_named(value):
    with pytest.raises(ValueError, match="UNIX_MODE"):
        Config().UNIX_MODE = value


def test_gunicorn_keys_from_the_seed_have_defaults():
    config = Config()
    assert config.WORKER_CLASS == "sanic.worker.GunicornWorker"
    assert config.WORKER_CONNECTIONS == 1000
