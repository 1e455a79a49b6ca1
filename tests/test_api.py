"""The façade's public signatures are typed: no parameter or return is a bare `Any`."""

from __future__ import annotations

import inspect
import typing

import liens.api as api


def _public_functions() -> list[tuple[str, object]]:
    return [(name, getattr(api, name)) for name in api.__all__
            if inspect.isfunction(getattr(api, name))]


def test_every_public_function_is_annotated_without_bare_any() -> None:
    functions = _public_functions()
    assert len(functions) >= 15
    for name, function in functions:
        hints = typing.get_type_hints(function)
        parameters = inspect.signature(function).parameters
        for parameter in parameters:
            assert parameter in hints, f"api.{name}: parameter {parameter} has no annotation"
        assert "return" in hints, f"api.{name} has no return annotation"
        bare = [k for k, v in hints.items() if v is typing.Any]
        assert not bare, f"api.{name}: {bare} typed as Any"
