"""Schemathesis checks of Chạm's own, loaded by `cargo xtask fuzz` (tests/bench/fuzz.rs)."""

import json
import schemathesis

@schemathesis.check
def error_shape(ctx, response, case):
    """Every 4xx answer is {"error":{"code","message"}} with a JSON content type."""
    if response.status_code < 400:
        return
    try:
        body = json.loads(response.content or b"")
    except ValueError:
        raise AssertionError(f"{response.status_code} with a body that is not JSON: {response.content[:200]!r}")
    err = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(err, dict) and isinstance(err.get("code"), str) and isinstance(err.get("message"), str)):
        raise AssertionError(f"{response.status_code} outside the error shape: {response.content[:200]!r}")
