"""Slack's documented Block Kit rules, checked the way Slack checks them before it accepts a message or view.

slack_sdk's models check shapes, not every rule Slack enforces, and Slack answers ``invalid_blocks`` for
the whole payload when one rule is broken. The fake Web API runs these checks on every post, so a test
cannot pass while the bot sends something real Slack would refuse.

The numbers are copied from Slack's reference (docs.slack.dev/reference/block-kit) on purpose rather than
imported from ``bots.slack.limits``: an oracle that reads the code under test cannot catch a wrong number
there. One rule is ours, not Slack's, and says so: no ``aims ...`` terminal command in Slack text (a
button does what the command would). Each problem names the rule and where it is broken, as a JSON
pointer like Slack's own errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

# Messages and surfaces
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000  # Slack truncates the top-level text past this
PRIVATE_METADATA = 3000
VIEW_TITLE = 24  # modal title, submit and close labels
ID_LENGTH = 255  # block_id, action_id, callback_id, external_id
# Blocks
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 3000
ACTIONS_ELEMENTS = 25
INPUT_LABEL = 2000
IMAGE_ALT = 2000
IMAGE_TITLE = 2000
URL_LENGTH = 3000
# Elements
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
PLACEHOLDER = 150
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTION_DESCRIPTION = 75
SELECT_OPTIONS = 100
CHOICE_OPTIONS = 10  # radio buttons and checkboxes
OVERFLOW_OPTIONS = 5
TEXT_INPUT_LENGTH = 3000
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30

BLOCK_TYPES = frozenset(
    {"section", "header", "context", "actions", "divider", "input", "image", "rich_text", "markdown", "video", "file"}
)
SELECTS = frozenset(
    {
        "static_select",
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
    }
)
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage"})
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})

# Markdown that Slack shows literally: **bold**, [label](url), "# heading" lines.
_MARKDOWN_BOLD = re.compile(r"\*\*[^*\n]+\*\*")
_MARKDOWN_LINK = re.compile(r"\[[^\]\n]+\]\([^)\s]+\)")
_MARKDOWN_HEADING = re.compile(r"(?m)^#{1,6} \S")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
# A Slack file's id, as Slack's own error for a bad one gives the pattern.
_FILE_ID = re.compile(r"F[A-Z0-9]{8,}")
# A datepicker's initial_date.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Ours, not Slack's: Slack users are never sent to the terminal.
_TERMINAL_COMMAND = re.compile(r"`aims [a-z]")
# What Slack reads inside <...>: links, user/channel mentions, broadcasts, user groups, dates.
_SLACK_TAG = re.compile(r"<([^<>\n]*)>")
_TAG_BODY = re.compile(
    r"(https?://|mailto:|tel:|@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!here|!channel|!everyone|!subteam\^|!date\^)"
)

Path = str


def problems(blocks: list[Any] | None, text: str | None, *, surface: str = "message") -> list[str]:
    """Every rule a message's ``blocks`` and its top-level ``text`` break (empty when Slack would accept them).

    Args:
        blocks: the Block Kit blocks (None or empty for a text-only message).
        text: the top-level ``text``: the notification, and what screen readers and old clients show.
        surface: ``message``, ``modal`` or ``home``; sets the block count limit.
    """
    found = list(_text_fallback(text)) if surface == "message" else []
    found += list(_blocks(blocks or [], surface))
    return found


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """Every rule a modal or Home tab view breaks (views.open, views.update, views.push, views.publish)."""
    found: list[str] = []
    kind = view.get("type")
    if kind not in {"modal", "home"}:
        return [f"view type must be modal or home, not {kind!r} [json-pointer:/view/type]"]
    if kind == "modal":
        found += _plain(view.get("title"), VIEW_TITLE, "/view/title", required=True)
        for key in ("submit", "close"):
            if key in view:
                found += _plain(view[key], VIEW_TITLE, f"/view/{key}")
        has_input = any(isinstance(b, Mapping) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            found.append("a modal with input blocks needs a submit button [json-pointer:/view/submit]")
    metadata = view.get("private_metadata")
    if metadata is not None and len(str(metadata)) > PRIVATE_METADATA:
        found.append(f"private_metadata over {PRIVATE_METADATA} characters [json-pointer:/view/private_metadata]")
    for key in ("callback_id", "external_id"):
        if len(str(view.get(key) or "")) > ID_LENGTH:
            found.append(f"{key} over {ID_LENGTH} characters [json-pointer:/view/{key}]")
    return found + [p.replace("[json-pointer:/", "[json-pointer:/view/") for p in _blocks(view.get("blocks"), kind)]


def payload_problems(method: str, params: Mapping[str, Any]) -> list[str] | None:
    """The problems of one Web API call or response_url post, or None when the call carries no Block Kit.

    ``method`` is a Web API method name, or ``response/...`` for a post to a slash command's response_url.
    """
    if method in VIEW_METHODS:
        view = params.get("view")
        return view_problems(view) if isinstance(view, Mapping) else ["view missing or not JSON [json-pointer:/view]"]
    if method in MESSAGE_METHODS or method.startswith("response/"):
        if params.get("delete_original"):
            return []
        if method == "chat.update" and "text" not in params and "blocks" not in params:
            return ["chat.update needs text or blocks"]
        blocks = params.get("blocks")
        if blocks is not None and not isinstance(blocks, list):
            return ["blocks must be a JSON array [json-pointer:/blocks]"]
        return problems(blocks, params.get("text"), surface="message")
    return None


def _text_fallback(text: str | None) -> Iterator[str]:
    if not isinstance(text, str) or not text.strip():
        yield "the top-level text (notification and fallback) is missing [json-pointer:/text]"
        return
    if len(text) > MESSAGE_TEXT:
        yield f"text over {MESSAGE_TEXT:,} characters [json-pointer:/text]"
    yield from _markup(text, "/text")


def _blocks(blocks: Any, surface: str) -> Iterator[str]:
    if not isinstance(blocks, list):
        yield "blocks must be a JSON array [json-pointer:/blocks]"
        return
    limit = MESSAGE_BLOCKS if surface == "message" else VIEW_BLOCKS
    if len(blocks) > limit:
        yield f"{len(blocks)} blocks, a {surface} holds at most {limit} [json-pointer:/blocks]"
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, Mapping):
            yield f"a block must be an object [json-pointer:{where}]"
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen:
                yield f"block_id {block_id!r} is used twice [json-pointer:{where}/block_id]"
            seen.add(block_id)
            if not block_id or len(str(block_id)) > ID_LENGTH:
                yield f"block_id must be 1 to {ID_LENGTH} characters [json-pointer:{where}/block_id]"
        yield from _block(block, where)


def _block(block: Mapping[str, Any], where: Path) -> Iterator[str]:
    kind = block.get("type")
    if kind not in BLOCK_TYPES:
        yield f"unknown block type {kind!r} [json-pointer:{where}/type]"
    elif kind == "section":
        yield from _section(block, where)
    elif kind == "header":
        yield from _plain(block.get("text"), HEADER_TEXT, f"{where}/text", required=True)
    elif kind == "context":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= CONTEXT_ELEMENTS:
            yield f"a context block holds 1 to {CONTEXT_ELEMENTS} elements [json-pointer:{where}/elements]"
        for i, element in enumerate(elements):
            at = f"{where}/elements/{i}"
            if isinstance(element, Mapping) and element.get("type") == "image":
                yield from _image(element, at)
            else:
                yield from _text(element, CONTEXT_TEXT, at)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= ACTIONS_ELEMENTS:
            yield f"an actions block holds 1 to {ACTIONS_ELEMENTS} elements [json-pointer:{where}/elements]"
        yield from _unique_action_ids(elements, where)
        for i, element in enumerate(elements):
            yield from _element(element, f"{where}/elements/{i}")
    elif kind == "input":
        yield from _plain(block.get("label"), INPUT_LABEL, f"{where}/label", required=True)
        if "hint" in block:
            yield from _plain(block["hint"], INPUT_LABEL, f"{where}/hint")
        if not isinstance(block.get("element"), Mapping):
            yield f"an input block needs an element [json-pointer:{where}/element]"
        else:
            yield from _element(block["element"], f"{where}/element")
    elif kind == "image":
        yield from _image(block, where)


def _section(block: Mapping[str, Any], where: Path) -> Iterator[str]:
    fields = block.get("fields")
    if "text" not in block and not fields:
        yield f"a section needs text or fields [json-pointer:{where}]"
    if "text" in block:
        yield from _text(block["text"], SECTION_TEXT, f"{where}/text")
    if fields is not None:
        if not 1 <= len(fields) <= SECTION_FIELDS:
            yield f"a section holds 1 to {SECTION_FIELDS} fields [json-pointer:{where}/fields]"
        for i, item in enumerate(fields):
            yield from _text(item, FIELD_TEXT, f"{where}/fields/{i}")
    if "accessory" in block:
        yield from _element(block["accessory"], f"{where}/accessory")


def _unique_action_ids(elements: list[Any], where: Path) -> Iterator[str]:
    seen: set[str] = set()
    for i, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, Mapping) else None
        if action_id is None:
            continue
        if action_id in seen:
            yield (
                f"action_id {action_id!r} is used twice in one block; it must be unique within its block "
                f"[json-pointer:{where}/elements/{i}/action_id]"
            )
        seen.add(action_id)


def _element(element: Any, where: Path) -> Iterator[str]:
    if not isinstance(element, Mapping):
        yield f"an element must be an object [json-pointer:{where}]"
        return
    kind = element.get("type")
    action_id = element.get("action_id")
    if action_id is not None and not 1 <= len(str(action_id)) <= ID_LENGTH:
        yield f"action_id must be 1 to {ID_LENGTH} characters [json-pointer:{where}/action_id]"
    if "confirm" in element:
        yield from _confirm(element["confirm"], f"{where}/confirm")
    if "placeholder" in element:
        yield from _plain(element["placeholder"], PLACEHOLDER, f"{where}/placeholder")
    if kind == "button":
        yield from _plain(element.get("text"), BUTTON_TEXT, f"{where}/text", required=True)
        if len(str(element.get("value", ""))) > BUTTON_VALUE:
            yield f"button value over {BUTTON_VALUE} characters [json-pointer:{where}/value]"
        if len(str(element.get("url", ""))) > URL_LENGTH:
            yield f"button url over {URL_LENGTH} characters [json-pointer:{where}/url]"
        if element.get("style") not in {None, "primary", "danger"}:
            yield f"button style must be primary or danger [json-pointer:{where}/style]"
    elif kind in SELECTS:
        yield from _options(element, SELECT_OPTIONS, where)
    elif kind in {"radio_buttons", "checkboxes"}:
        yield from _options(element, CHOICE_OPTIONS, where)
    elif kind == "overflow":
        yield from _options(element, OVERFLOW_OPTIONS, where)
    elif kind == "plain_text_input":
        for key in ("min_length", "max_length"):
            if int(element.get(key, 0)) > TEXT_INPUT_LENGTH:
                yield f"{key} over {TEXT_INPUT_LENGTH} [json-pointer:{where}/{key}]"
        if len(str(element.get("initial_value", ""))) > TEXT_INPUT_LENGTH:
            yield f"initial_value over {TEXT_INPUT_LENGTH} characters [json-pointer:{where}/initial_value]"
    elif kind == "datepicker":
        initial = element.get("initial_date")
        if initial is not None and not _DATE.fullmatch(str(initial)):
            yield f"initial_date must be YYYY-MM-DD [json-pointer:{where}/initial_date]"
    elif kind == "image":
        yield from _image(element, where)


def _options(element: Mapping[str, Any], limit: int, where: Path) -> Iterator[str]:
    options = element.get("options")
    if options is not None and len(options) > limit:
        yield f"{len(options)} options, at most {limit} [json-pointer:{where}/options]"
    listed = [(f"{where}/options/{i}", o) for i, o in enumerate(options or [])]
    if "initial_option" in element:
        listed.append((f"{where}/initial_option", element["initial_option"]))
    listed += [(f"{where}/initial_options/{i}", o) for i, o in enumerate(element.get("initial_options") or [])]
    for at, option in listed:
        if not isinstance(option, Mapping):
            yield f"an option must be an object [json-pointer:{at}]"
            continue
        yield from _text(option.get("text"), OPTION_TEXT, f"{at}/text", required=True)
        if not 1 <= len(str(option.get("value", ""))) <= OPTION_VALUE:
            yield f"option value must be 1 to {OPTION_VALUE} characters [json-pointer:{at}/value]"
        if "description" in option:
            yield from _plain(option["description"], OPTION_DESCRIPTION, f"{at}/description")


def _confirm(confirm: Any, where: Path) -> Iterator[str]:
    if not isinstance(confirm, Mapping):
        yield f"a confirm dialog must be an object [json-pointer:{where}]"
        return
    yield from _plain(confirm.get("title"), CONFIRM_TITLE, f"{where}/title", required=True)
    yield from _text(confirm.get("text"), CONFIRM_TEXT, f"{where}/text", required=True)
    yield from _plain(confirm.get("confirm"), CONFIRM_BUTTON, f"{where}/confirm", required=True)
    yield from _plain(confirm.get("deny"), CONFIRM_BUTTON, f"{where}/deny", required=True)


def _image(image: Mapping[str, Any], where: Path) -> Iterator[str]:
    if not 1 <= len(str(image.get("alt_text", ""))) <= IMAGE_ALT:
        yield f"alt_text must be 1 to {IMAGE_ALT} characters [json-pointer:{where}/alt_text]"
    if len(str(image.get("image_url", ""))) > URL_LENGTH:
        yield f"image_url over {URL_LENGTH} characters [json-pointer:{where}/image_url]"
    if ("image_url" in image) == ("slack_file" in image):
        yield f"an image needs either image_url or slack_file, not both or neither [json-pointer:{where}]"
    if "slack_file" in image:
        yield from _slack_file(image["slack_file"], f"{where}/slack_file")
    if image.get("type") == "image" and "title" in image:
        yield from _plain(image["title"], IMAGE_TITLE, f"{where}/title")


def _slack_file(slack_file: Any, where: Path) -> Iterator[str]:
    """A Slack file object: an uploaded image named by its id or its URL, exactly one of the two."""
    if not isinstance(slack_file, Mapping) or ("id" in slack_file) == ("url" in slack_file):
        yield f"a slack_file object needs either id or url, not both or neither [json-pointer:{where}]"
        return
    if "id" in slack_file and not _FILE_ID.fullmatch(str(slack_file["id"])):
        yield f"input must match regex pattern: ^[F][A-Z0-9]{{8,}}$ [json-pointer:{where}/id]"


def slack_file_refs(payload: Any, where: Path = "") -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Every ``slack_file`` object in a payload (blocks, a view), with its JSON pointer."""
    if isinstance(payload, Mapping):
        for key, value in payload.items():
            if key == "slack_file" and isinstance(value, Mapping):
                yield f"{where}/{key}", value
            else:
                yield from slack_file_refs(value, f"{where}/{key}")
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            yield from slack_file_refs(value, f"{where}/{index}")


def text_problems(text: str, where: Path) -> list[str]:
    """Markup Slack would show literally, or cannot read, in a piece of mrkdwn outside blocks (a file's comment)."""
    return list(_markup(text, where))


def _plain(obj: Any, limit: int, where: Path, *, required: bool = False) -> Iterator[str]:
    """A text object that must be ``plain_text`` (headers, labels, titles, placeholders)."""
    if obj is None and not required:
        return
    if isinstance(obj, Mapping) and obj.get("type") != "plain_text":
        yield f"must be a plain_text object, not {obj.get('type')!r} [json-pointer:{where}/type]"
    yield from _text(obj, limit, where, required=True)


def _text(obj: Any, limit: int, where: Path, *, required: bool = True) -> Iterator[str]:
    """A text object: a type, 1 to ``limit`` characters, and no Markdown that Slack would show literally."""
    if obj is None and not required:
        return
    if not isinstance(obj, Mapping) or obj.get("type") not in {"plain_text", "mrkdwn"}:
        yield f"must be a text object (plain_text or mrkdwn) [json-pointer:{where}]"
        return
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        yield f"must be more than 0 characters [json-pointer:{where}/text]"
        return
    if len(text) > limit:
        yield f"must be at most {limit} characters, is {len(text)} [json-pointer:{where}/text]"
    yield from _markup(text, f"{where}/text", tags=obj["type"] == "mrkdwn")


def _markup(text: str, where: Path, *, tags: bool = True) -> Iterator[str]:
    """Markdown Slack does not read (it shows the asterisks and brackets), and ``<...>`` it cannot read.

    Code is shown as written, so Markdown inside backticks is fine; ``<...>`` is read even there.
    """
    prose = _CODE.sub(" ", text)
    if _MARKDOWN_BOLD.search(prose):
        yield f"Markdown **bold** is shown literally; Slack's bold is *bold* [json-pointer:{where}]"
    if _MARKDOWN_LINK.search(prose):
        yield f"a Markdown [label](url) link is shown literally; Slack links are <url|label> [json-pointer:{where}]"
    if _MARKDOWN_HEADING.search(prose):
        yield f"a Markdown # heading is shown literally; use a header block or *bold* [json-pointer:{where}]"
    if _TERMINAL_COMMAND.search(text):
        yield f"names a terminal command (`aims ...`); in Slack a button does it (our rule) [json-pointer:{where}]"
    for tag in _SLACK_TAG.finditer(text) if tags else ():
        if not _TAG_BODY.match(tag.group(1)):
            yield (
                f"<{tag.group(1)[:40]}> is not a Slack link or mention; escape < and > as &lt; &gt; "
                f"[json-pointer:{where}]"
            )
