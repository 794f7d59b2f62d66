"""drf-spectacular hooks: what the generated OpenAPI document says beyond each view."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERROR_DETAIL_COMPONENT = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "A stable, machine-readable code."},
        "message": {"type": "string", "description": "What went wrong, for a person to read."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages by field, named by their path in the request.",
        },
    },
    "required": ["code", "message", "fields"],
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Every operation documents its errors: a ``default`` response in the one error shape
    ``{"error": {"code", "message", "fields"}}``, beside the statuses a view names itself.

    Any answer the API gives besides those (a 403 for a missing permission, a 400 for a
    malformed body, a 404 for an unknown id, a 429) has that shape, so a client generated
    from the schema can read every error.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetailOut", ERROR_DETAIL_COMPONENT)
    schemas.setdefault(
        "ErrorOut",
        {
            "type": "object",
            "properties": {"error": {"$ref": "#/components/schemas/ErrorDetailOut"}},
            "required": ["error"],
        },
    )
    default = {
        "description": str(_("An error, in the API's one error shape.")),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method in {"get", "put", "post", "patch", "delete", "head", "options", "trace"}:
                operation.setdefault("responses", {}).setdefault("default", default)
    return result


def nullable_references(result: dict, generator, request, public) -> dict:
    """Write a nullable nested object as ``oneOf: [object, null]``.

    drf-spectacular writes ``allOf: [$ref]`` with ``nullable: true`` beside it; OpenAPI
    3.0.3 gives ``nullable`` no effect without a ``type`` in the same schema, so validators
    and generated clients refuse the ``null`` the API really answers (a claim's
    ``outcome`` while it is handled). The null branch is ``nullable`` with ``enum: [null]``,
    the 3.0 way to say "only null".
    """

    def visit(node):
        if isinstance(node, dict):
            all_of = node.get("allOf")
            if node.get("nullable") and isinstance(all_of, list) and len(all_of) == 1:
                node.pop("allOf")
                node.pop("nullable")
                node["oneOf"] = [all_of[0], {"type": "object", "nullable": True, "enum": [None]}]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result
