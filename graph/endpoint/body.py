"""Reading a request body within a size cap: refused from ``Content-Length`` before reading, or mid-stream."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request


class BodyTooLargeError(Exception):
    """The request body is larger than the endpoint accepts; the message says the limit."""


class IncompleteBodyError(Exception):
    """The client went away before its body arrived."""


async def capped_body(request: Request, max_bytes: int) -> bytes:
    """The body, or ``BodyTooLargeError`` as soon as it is known to pass ``max_bytes``.

    A declared ``Content-Length`` over the cap is refused without reading a byte; a body sent without
    one (chunked) is read until it passes the cap, then refused, so memory stays bounded either way.
    """
    problem = f"the request body is larger than {max_bytes:,} bytes; send a shorter query or update"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLargeError(problem)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise BodyTooLargeError(problem)
            chunks.append(chunk)
    except ClientDisconnect:
        raise IncompleteBodyError("the client closed the connection before sending the whole body") from None
    return b"".join(chunks)
