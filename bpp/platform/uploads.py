"""Request bodies of file uploads, read against a limit of their own (larger than the app-wide body limit).

A route that reads its body this way is exempt from `BodyLimit` (its path is in the app's `own_limit`).
"""

from __future__ import annotations

from starlette.requests import Request

from fulfillment.documents import too_large


async def read_within(request: Request, max_bytes: int) -> bytes:
    """The request body, refused (`too_large`, field `file`) as soon as it is known to be over `max_bytes`,
    declared or as it streams."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise too_large(max_bytes)
    return bytes(body)
