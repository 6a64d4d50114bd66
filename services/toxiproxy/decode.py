"""Read JSON request bodies the way Toxiproxy's Go ``encoding/json`` decoding does.

Go decodes the *first* JSON value of the body into a typed struct: trailing bytes are
ignored, keys match field names case-insensitively, ``null`` leaves a field unchanged, and a
value of the wrong JSON type is an error. Every failure here becomes a 400
``bad request body: ...``, never an exception that could take the server down.
"""

from __future__ import annotations

import json

from .errors import BAD_REQUEST_BODY, ApiError

INT64 = (-(2**63), 2**63 - 1)  # Go's int is 64 bits too
FLOAT32_MAX = 3.4028234663852886e38


class FloatLiteral(float):
    """A JSON number with a fraction or exponent, and its text (Go quotes it in errors)."""

    text: str

    def __new__(cls, text: str):
        value = super().__new__(cls, text)
        value.text = text
        return value


def _reject_constant(name: str):
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=FloatLiteral)


def parse_body(raw: bytes) -> object:
    """The first JSON value in ``raw`` (Go's ``Decoder.Decode``); ApiError 400 if none.

    Syntax errors keep Python's wording (``bad request body: Expecting value``); type
    errors (see :func:`decode_struct`) are Go's, word for word.
    """
    text = raw.decode("utf-8", errors="replace").lstrip(" \t\r\n")
    if not text:
        raise BAD_REQUEST_BODY.joined("EOF")
    try:
        value, _ = _DECODER.raw_decode(text)
    except (ValueError, RecursionError) as err:
        raise BAD_REQUEST_BODY.joined(str(err).split(":")[0] or "invalid JSON") from None
    return value


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_error(value: object, where: str, go_type: str, literal: bool = False) -> ApiError:
    """Go's ``UnmarshalTypeError`` text; ``literal`` quotes the number (``number 1.5``),
    as Go does when a number does not fit a numeric field."""
    kind = _json_kind(value)
    if literal and kind == "number":
        kind = f"number {getattr(value, 'text', value)}"
    detail = f"json: cannot unmarshal {kind} into Go {where} of type {go_type}"
    return BAD_REQUEST_BODY.joined(detail)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _convert(value: object, kind: str, where: str) -> object:
    """``value`` as a Go field of ``kind``: 'string', 'bool', 'int64', 'int', 'float32', or
    'object:GO_TYPE' (a JSON object, for a nested struct of that Go type)."""
    if kind == "string" and isinstance(value, str):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    number = value if _is_number(value) else None
    if kind in ("int64", "int") and isinstance(number, (int, float)):
        if isinstance(number, int) and INT64[0] <= number <= INT64[1]:
            return number
        raise _type_error(value, where, kind, literal=True)
    if kind == "float32" and isinstance(number, (int, float)):
        if abs(number) <= FLOAT32_MAX:
            return float(number)
        raise _type_error(value, where, kind, literal=True)
    if kind.startswith("object:"):
        if isinstance(value, dict):
            return value
        raise _type_error(value, where, kind.partition(":")[2])
    raise _type_error(value, where, kind)


def decode_struct(
    value: object,
    schema: dict[str, str],
    into: dict,
    *,
    go_type: str,
    struct: str,
    path: str = "",
) -> dict:
    """Decode a JSON value into ``into`` (a dict of defaults) like Go decodes a struct.

    ``schema`` maps field names to kinds (see :func:`_convert`). Unknown keys are
    ignored; ``null`` keeps the current value; the last of several keys naming the same
    field wins. Errors read as Go's: ``go_type`` names the struct's type (``Go value of
    type toxiproxy.Proxy``), ``struct`` its bare name and ``path`` the fields leading to it
    (``Go struct field LatencyToxic.attributes.latency``; Go prints "" for an anonymous
    struct, hence ``Go struct field .toxicity``).
    """
    if value is None:
        return into
    if not isinstance(value, dict):
        where = f"struct field {struct}.{path.rstrip('.')}" if path else "value"
        raise _type_error(value, where, go_type)
    folded = {name.lower(): name for name in schema}
    for key, item in value.items():
        name = key if key in schema else folded.get(key.lower())
        if name is None or item is None:
            continue
        into[name] = _convert(item, schema[name], f"struct field {struct}.{path}{name}")
    return into


def decode_array(value: object, go_type: str) -> list:
    """A JSON array (``null`` is an empty one), or a 400 like Go's for anything else."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _type_error(value, "value", go_type)
    return value
