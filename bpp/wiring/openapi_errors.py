"""The OpenAPI document describes the error bodies the app really sends, not FastAPI's default 422 shape.

Every refusal of the staff and worker APIs is `{"detail": ...}`: Starlette's own answers (an unparseable body)
carry a sentence, ours an object in English and Hindi; "these fields are wrong" adds the list of fields
(`bpp.platform.http_errors`), the catalogue puts that list inside `detail`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM = "Problem"
FIELD_PROBLEM = "FieldProblem"
_FASTAPI_DEFAULTS = ("HTTPValidationError", "ValidationError")

_FIELD_PROBLEM_SCHEMA: dict[str, Any] = {
    "title": FIELD_PROBLEM,
    "type": "object",
    "required": ["field", "en"],
    "properties": {
        "field": {"type": "string", "description": "dotted path of the wrong field; empty for the whole body"},
        "error": {"type": "string"},
        "en": {"type": "string"},
        "hi": {"type": "string"},
    },
}
_FIELD_PROBLEMS = {"type": "array", "items": {"$ref": f"#/components/schemas/{FIELD_PROBLEM}"}}
_PROBLEM_SCHEMA: dict[str, Any] = {
    "title": PROBLEM,
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string", "description": "the web server's own answer, e.g. to a body it cannot parse"},
                {
                    "type": "object",
                    "description": "what went wrong and what to do next, in English and Hindi",
                    "properties": {
                        "en": {"type": "string"},
                        "hi": {"type": "string"},
                        "code": {"type": "string"},
                        "field": {"type": "string", "description": "the input at fault, when a rule names one"},
                        "errors": _FIELD_PROBLEMS,
                    },
                },
            ]
        },
        "errors": _FIELD_PROBLEMS,
    },
}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{PROBLEM}"}}}}


def describe_errors(document: dict[str, Any], api_prefixes: tuple[str, ...]) -> dict[str, Any]:
    """`document` with the app's real error bodies: every 422, and every 4xx of the paths under `api_prefixes`."""
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _problem_response("Some fields are wrong: each is named with what to correct.")
            if path.startswith(api_prefixes):
                responses.setdefault("4XX", _problem_response(
                    "Refused (not logged in, not allowed, not found, conflicting, locked out, "
                    "unparseable or too large): `detail` says why and what to do next."))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_DEFAULTS:
        schemas.pop(name, None)
    schemas[PROBLEM] = _PROBLEM_SCHEMA
    schemas[FIELD_PROBLEM] = _FIELD_PROBLEM_SCHEMA
    return document


def serve_true_errors(app: FastAPI, api_prefixes: tuple[str, ...]) -> None:
    """Make `app` publish its OpenAPI document with `describe_errors` applied (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            generated = get_openapi(title=app.title, version=app.version, description=app.description,
                                    routes=app.routes)
            app.openapi_schema = describe_errors(generated, api_prefixes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
