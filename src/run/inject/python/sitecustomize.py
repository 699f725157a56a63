"""Span Lens: record the spans of a Python program that uses OpenTelemetry.

Span Lens runs the user's file with this directory first on PYTHONPATH and the environment variable
SPAN_LENS_NONCE set, so Python imports this module at startup (site.py's `sitecustomize` hook).
Every span is printed, when it ends, as one framed line on the real stdout:

    @@span-lens/1 <nonce> {"type":"span","span":{...shared/fixtures/SCHEMA.md span + "location"...}}

and at interpreter exit one `unended` record per span started and never ended, then one `facts`
record (src/core/parse/spanLens.ts reads all three).

Nothing here may change what the program does or prints, so:
- startup stays cheap: no OpenTelemetry, json or threading import until the program uses them; an
  import hook patches `opentelemetry.trace` / `opentelemetry.sdk.trace` when the program imports them;
- the program's own processors, exporters and their output are left alone (we wrap the provider's
  multi span processor instead of adding a processor it could see);
- every hook swallows its own errors;
- the `sitecustomize` this one hides (a user's or the distribution's) still runs.

Pure Python 3.8+, standard library only.
"""

import os
import sys

_MARKER = "@@span-lens/1 "
_NONCE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _read_nonce():
    nonce = os.environ.get("SPAN_LENS_NONCE", "")
    if 0 < len(nonce) <= 64 and all(c in _NONCE_CHARS for c in nonce):
        return nonce
    return None


def _read_max_spans():
    # The runner's cap on kept spans (spanLens.run.maxSpans): records past it are not printed,
    # only counted (facts.droppedSpans), as the Node agent does.
    try:
        value = int(os.environ.get("SPAN_LENS_MAX_SPANS", "0"))
    except ValueError:
        return 0
    return value if value > 0 else 0


_NONCE = _read_nonce()
_MAX_SPANS = _read_max_spans()
# The first Span Lens process of a run marks itself; its children (a subprocess, multiprocessing's
# spawn) inherit the mark and report facts only if they had spans, as the Node agent does.
_ROOT_ENV = "SPAN_LENS_ROOT_PID"
# The identities (dev:ino) of the run's stdout and stderr, set by the first process: a child whose
# stdout is not the run's (its parent program captures it) must not write frames there.
_OUTPUT_ENV = "SPAN_LENS_OUTPUT"
_HERE = os.path.dirname(os.path.abspath(__file__))
_MY_GLOBALS = globals()

# --- run state -------------------------------------------------------------------------------
# Keys are (trace_id, span_id) ints: the same span reaching us twice (one multi processor shared by
# two providers) is reported once.
_open = {}  # key -> (sdk Span, location JSON fragment): started, not yet ended
_pending = {}  # key -> (spanId hex, _ProviderState): ended and sampled into the program's pipeline, not exported yet
_counts = {
    "written": 0,  # span and unended records printed
    "capped": 0,  # records not printed: past SPAN_LENS_MAX_SPANS
    "without_exporter": 0,  # spans ended on a provider where the program configured no processor
    "unrecorded": 0,  # API-only program, no SDK importable: span starts that were no-ops
}
_program_exporters = []  # class names, in the order the program added them
_flags = {
    "api_imported": False,
    "sdk_imported": False,
    "sdk_missing": False,
    "installed_provider": False,
    "stdout_broken": False,
    "is_root": True,
    "output": None,  # 1 or 2: the fd frames go to; 0: neither is the run's, stay silent
    "finished": False,
    "dying": False,  # a fatal signal is being handled
}

try:
    import _thread

    # Re-entrant: the SIGTERM handler reports from the main thread, which may hold either lock.
    _write_lock = _thread.RLock()
    _state_lock = _thread.RLock()
except ImportError:  # pragma: no cover - CPython always has _thread
    _write_lock = _state_lock = None


# --- output ----------------------------------------------------------------------------------


def _write_span_record(record_type, span, location_fragment):
    with _state_lock:
        if _MAX_SPANS and _counts["written"] >= _MAX_SPANS:
            _counts["capped"] += 1
            return
        _counts["written"] += 1
    _write_frame(_span_record(record_type, span, location_fragment))


def _stream_identity(fd):
    try:
        st = os.fstat(fd)
        return "%d:%d" % (st.st_dev, st.st_ino)
    except Exception:
        return ""


def _output_fd():
    """Where this process writes frames: the run's stdout, else the run's stderr, else nowhere."""
    if _flags["is_root"]:
        return 1
    identities = os.environ.get(_OUTPUT_ENV, "").split(" ")
    run_stdout = identities[0] if identities else ""
    run_stderr = identities[1] if len(identities) > 1 else ""
    if run_stdout and _stream_identity(1) == run_stdout:
        return 1
    if run_stderr and _stream_identity(2) == run_stderr:
        return 2
    return 0


# --- the run's channel -----------------------------------------------------------------------
# When the runner opened a side channel (a Unix socket, SPAN_LENS_CHANNEL), frames go there, so
# the program's stdout stays its own: batched in memory, sent by a daemon thread every 20 ms or at
# 64 KiB, and flushed at exit (atexit, os._exit, a stop signal). Each process connects on its
# own (a forked child drops its parent's connection and batch). A failed send falls back to
# stdout with what was not sent, so nothing is lost.

_CHANNEL_ENV = "SPAN_LENS_CHANNEL"
_BATCH_BYTES = 64 * 1024
_BATCH_SECONDS = 0.02
_channel = {"sock": None, "pid": None, "failed": False, "pending": [], "bytes": 0, "thread_pid": None, "exiting": False}


def _channel_socket():
    """This process's connection to the channel, made on first use; None without a usable channel."""
    if _channel["failed"]:
        return None
    if _channel["sock"] is not None and _channel["pid"] == os.getpid():
        return _channel["sock"]
    address = os.environ.get(_CHANNEL_ENV)
    if not address:
        _channel["failed"] = True
        return None
    try:
        import socket

        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(address)
        try:
            os.set_inheritable(sock.fileno(), False)
        except Exception:
            pass
        _channel["sock"] = sock
        _channel["pid"] = os.getpid()
        return sock
    except Exception:
        _channel["failed"] = True
        return None


def _channel_flusher():
    import time

    while True:
        time.sleep(_BATCH_SECONDS)
        if _channel["thread_pid"] != os.getpid():
            return  # a forked child's copy of this thread does not exist; stay safe anyway
        try:
            with _write_lock:
                _flush_channel()
        except Exception:
            pass


def _start_flusher():
    if _channel["thread_pid"] == os.getpid():
        return
    _channel["thread_pid"] = os.getpid()
    try:
        import threading

        threading.Thread(target=_channel_flusher, name="span-lens-channel", daemon=True).start()
    except Exception:
        _channel["exiting"] = True  # no thread: send every frame at once


def _flush_channel():
    """Send what is batched (callers hold _write_lock)."""
    if not _channel["pending"]:
        return
    text = "".join(_channel["pending"])
    _channel["pending"] = []
    _channel["bytes"] = 0
    sock = _channel_socket()
    if sock is not None:
        try:
            sock.sendall(text.encode("utf-8", "replace"))
            return
        except Exception:
            _channel["failed"] = True
    # No channel after all: the frames go where they went before there was one.
    for line in text.splitlines(True):
        _write_line_to_output(line)


def _flush_channel_now():
    """At exit: push out the batch; every later frame is sent at once."""
    if _write_lock is None:
        return
    with _write_lock:
        _channel["exiting"] = True
        try:
            _flush_channel()
        except Exception:
            pass


def _write_frame(record_json):
    """Write one framed record line: to the run's channel, else after everything the program printed before it."""
    line = _MARKER + _NONCE + " " + record_json + "\n"
    with _write_lock:
        if not _channel["failed"] and _channel_socket() is not None:
            _channel["pending"].append(line)
            _channel["bytes"] += len(line)
            if _channel["bytes"] >= _BATCH_BYTES or _channel["exiting"]:
                _flush_channel()
            else:
                _start_flusher()
            return
        _write_line_to_output(line)


def _write_line_to_output(line):
    """A frame to the run's stdout (or stderr), after what the program printed there (callers hold _write_lock)."""
    if _flags["stdout_broken"]:
        return
    fd = _flags["output"]
    if fd is None:
        fd = _flags["output"] = _output_fd()
    if fd == 0:
        return
    out = sys.__stdout__ if fd == 1 else sys.__stderr__
    current = sys.stdout if fd == 1 else sys.stderr
    if current is not out and current is not None:
        # The program replaced sys.stdout (a tee, a capture): push out what it holds for the
        # real stdout first, then write to the real one, which is where Span Lens reads.
        try:
            current.flush()
        except Exception:
            pass
    try:
        usable = out is not None and not out.closed
    except Exception:
        usable = False
    if usable:
        try:
            out.write(line)
            out.flush()
            return
        except OSError:
            # Broken pipe: nobody reads any more. Stop trying rather than fail on every span.
            _flags["stdout_broken"] = True
            return
        except Exception:
            pass
    # sys.stdout was closed by the program (the file descriptor stays open: Python's standard
    # streams do not own fd 1) or is missing: write the bytes ourselves.
    try:
        data = line.encode("ascii", "replace")
        while data:
            n = os.write(fd, data)
            data = data[n:]
    except Exception:
        _flags["stdout_broken"] = True


_json_encoder = None


def _non_finite(value):
    if value != value:
        return {"$float": "NaN"}
    if value == float("inf"):
        return {"$float": "Infinity"}
    if value == float("-inf"):
        return {"$float": "-Infinity"}
    return value


def _json_safe(value):
    """A copy of an attribute structure with NaN/Infinity wrapped the SCHEMA.md way."""
    if isinstance(value, float):
        return _non_finite(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _json_default(value):
    # Values JSON has no form for: mappings and sequences the SDK keeps in its own classes, and
    # anything odd a program managed to store (shown as text rather than losing the record).
    try:
        if hasattr(value, "items"):
            return dict(value.items())
        if isinstance(value, (set, frozenset)) or hasattr(value, "__iter__") and not isinstance(value, (str, bytes)):
            return list(value)
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
    except Exception:
        pass
    return str(value)


def _make_encoder():
    import json

    encoder = json.JSONEncoder(
        ensure_ascii=True, allow_nan=False, check_circular=False, separators=(",", ":"), default=_json_default
    )
    encode = encoder.encode
    # The C encoder called directly skips building it anew on every encode(), which is most of
    # the cost for the small objects a span has. It is json's internal API: used only if it
    # gives the same text as the public one here.
    try:
        from json.encoder import c_make_encoder, encode_basestring_ascii

        if c_make_encoder is not None:
            direct = c_make_encoder(None, _json_default, encode_basestring_ascii, None, ":", ",", False, False, False)
            sample = {"a": [1, 2.5, True, None, "\u00e9\n"], "b": {"c": 2**70}}

            def encode_direct(value):
                return "".join(direct(value, 0))

            if encode_direct(sample) == encode(sample):
                return encode_direct
    except Exception:
        pass
    return encode


def _to_json(value):
    """Compact ASCII JSON (safe on any stdout encoding), exact integers, NaN as {"$float": "NaN"}."""
    global _json_encoder
    if _json_encoder is None:
        _json_encoder = _make_encoder()
    try:
        return _json_encoder(value)
    except ValueError:
        # allow_nan=False refused a non-finite float: the rare slow path.
        return _json_encoder(_json_safe(value))


def _attributes(attributes):
    if not attributes:
        return {}
    try:
        return dict(attributes)
    except Exception:
        return {}


# Resource and scope objects are shared by every span of a provider / tracer: encode them once.
_fragment_cache = {}


def _resource_fragment(resource):
    hit = _fragment_cache.get(id(resource))
    if hit is not None and hit[0] is resource:
        return hit[1]
    attributes = _attributes(getattr(resource, "attributes", None))
    name = attributes.get("service.name")
    fragment = ',"resource":' + _to_json(attributes) + ',"serviceName":' + _to_json(name if isinstance(name, str) else None)
    _fragment_cache[id(resource)] = (resource, fragment)
    return fragment


def _scope_fragment(scope):
    hit = _fragment_cache.get(id(scope))
    if hit is not None and hit[0] is scope:
        return hit[1]
    if scope is None:
        value = {"name": "", "version": None, "schemaUrl": None}
    else:
        value = {
            "name": getattr(scope, "name", "") or "",
            "version": getattr(scope, "version", None),
            "schemaUrl": getattr(scope, "schema_url", None),
        }
    fragment = ',"scope":' + _to_json(value)
    _fragment_cache[id(scope)] = (scope, fragment)
    return fragment


_encode_string = None


def _string_json(value):
    global _encode_string
    if type(value) is str:
        if _encode_string is None:
            from json.encoder import encode_basestring_ascii

            _encode_string = encode_basestring_ascii
        return _encode_string(value)
    return _to_json(value)


def _span_record(record_type, span, location_fragment):
    """The SCHEMA.md span object of an SDK span (ReadableSpan or a live Span), as a framed record.

    Built from pieces rather than one dict through json: this runs for every span, and the fixed
    fields need no encoder.
    """
    ctx = span.context
    parent = span.parent
    if parent is not None and getattr(parent, "is_valid", True):
        parent_json = '"' + format(parent.span_id, "016x") + '","parentIsRemote":' + ("true" if parent.is_remote else "false")
    else:
        parent_json = 'null,"parentIsRemote":null'
    start = int(span.start_time or 0)
    end = span.end_time
    if end is not None:
        end_json = '"' + str(end) + '","durationNano":"' + str(end - start) + '"'
    else:
        end_json = 'null,"durationNano":null'
    attributes = span.attributes
    events = span.events
    links = span.links
    status = span.status
    message = getattr(status, "description", None)
    trace_state = getattr(ctx, "trace_state", None)
    return "".join(
        (
            '{"type":"',
            record_type,
            '","span":{"traceId":"',
            format(ctx.trace_id, "032x"),
            '","spanId":"',
            format(ctx.span_id, "016x"),
            '","parentSpanId":',
            parent_json,
            ',"name":',
            _string_json(span.name),
            ',"kind":"',
            getattr(span.kind, "name", "INTERNAL"),
            '","startTimeUnixNano":"',
            str(start),
            '","endTimeUnixNano":',
            end_json,
            ',"attributes":',
            _to_json(_attributes(attributes)) if attributes else "{}",
            ',"droppedAttributesCount":',
            str(span.dropped_attributes),
            ',"events":',
            _events_json(events) if events else "[]",
            ',"droppedEventsCount":',
            str(span.dropped_events),
            ',"links":',
            _links_json(links) if links else "[]",
            ',"droppedLinksCount":',
            str(span.dropped_links),
            ',"status":{"code":"',
            getattr(getattr(status, "status_code", None), "name", "UNSET"),
            '","message":',
            _string_json(message) if message is not None else "null",
            '},"traceState":',
            (_string_json(trace_state.to_header()) if trace_state else '""') if trace_state is not None else "null",
            _resource_fragment(span.resource),
            _scope_fragment(span.instrumentation_scope),
            location_fragment,
            "}}",
        )
    )


def _events_json(events):
    return _to_json(
        [
            {
                "name": event.name,
                "timeUnixNano": str(event.timestamp),
                "attributes": _attributes(event.attributes),
                "droppedAttributesCount": getattr(event, "dropped_attributes", 0),
            }
            for event in events
        ]
    )


def _links_json(links):
    out = []
    for link in links:
        ctx = link.context
        trace_state = getattr(ctx, "trace_state", None)
        out.append(
            {
                "traceId": format(ctx.trace_id, "032x"),
                "spanId": format(ctx.span_id, "016x"),
                "traceState": trace_state.to_header() if trace_state is not None else None,
                "attributes": _attributes(link.attributes),
                "droppedAttributesCount": getattr(link, "dropped_attributes", 0),
            }
        )
    return _to_json(out)


# --- call sites ------------------------------------------------------------------------------
# A frame is one of: skipped (OpenTelemetry, contextlib, our own code, threading/asyncio plumbing),
# a decorator wrapper (skipped, but it tells which function the decorator wraps), library code
# (used only if no user code is found further up), or user code.
_SKIP, _WRAPPER, _LIBRARY, _USER = 0, 1, 2, 3
_frame_kinds = {}
_location_cache = {}
_library_roots = None


def _is_library_file(filename):
    global _library_roots
    if filename.startswith("<"):
        return not filename.startswith(("<stdin", "<string", "<ipython"))
    if _library_roots is None:
        roots = set()
        for prefix in {sys.prefix, sys.exec_prefix, getattr(sys, "base_prefix", sys.prefix)}:
            roots.add(os.path.join(os.path.normcase(os.path.abspath(prefix)), "lib", ""))
        roots.add(os.path.join(os.path.normcase(os.path.dirname(os.path.abspath(os.__file__))), ""))
        _library_roots = tuple(roots)
    normal = os.path.normcase(filename)
    if os.sep + "site-packages" + os.sep in normal or os.sep + "dist-packages" + os.sep in normal:
        return True
    return normal.startswith(_library_roots)


def _frame_kind(frame):
    code = frame.f_code
    globals_ = frame.f_globals
    if globals_ is _MY_GLOBALS:
        return _SKIP
    module = globals_.get("__name__") or ""
    if module == "opentelemetry" or module.startswith("opentelemetry."):
        # opentelemetry.util._decorator: the wrapper of an `async def` decorated with start_as_current_span.
        return _WRAPPER if code.co_name == "async_wrapper" else _SKIP
    if module == "contextlib":
        # ContextDecorator.__call__'s `inner`: the wrapper of a plain `def` decorated with start_as_current_span.
        return _WRAPPER if code.co_name == "inner" else _SKIP
    if module in ("threading", "asyncio", "functools", "runpy") or module.startswith(("asyncio.", "importlib", "concurrent.")):
        return _SKIP
    return _LIBRARY if _is_library_file(code.co_filename) else _USER


def _source_column(filename, line, byte_column):
    """1-based character column of a UTF-8 byte offset; a `with` statement's column moves to its item."""
    import linecache

    text = linecache.getline(filename, line)
    if not text:
        return byte_column + 1
    column = byte_column if text.isascii() else len(text.encode("utf-8")[:byte_column].decode("utf-8", "replace"))
    # Python 3.11/3.12 place `with x:` at the keyword, 3.13 at the item: report the item, where
    # the span is started, on every version.
    rest = text[column:]
    for keyword in ("async with", "with"):
        if rest.startswith(keyword) and rest[len(keyword) : len(keyword) + 1] in (" ", "\t", "("):
            after = rest[len(keyword) :]
            column += len(keyword) + len(after) - len(after.lstrip(" \t("))
            break
    return column + 1


def _display_path(filename):
    if filename.startswith("<") or os.path.isabs(filename):
        return filename
    try:
        return os.path.abspath(filename)
    except Exception:
        return filename


def _location_json(filename, line, column, function):
    value = {"file": _display_path(filename), "line": line, "column": column}
    if function:
        value["function"] = function
    return ',"location":' + _to_json(value)


def _frame_location(frame):
    code = frame.f_code
    key = (code, frame.f_lasti)  # the instruction fixes the line; f_lineno costs a line-table scan
    hit = _location_cache.get(key)
    if hit is not None:
        return hit
    line = frame.f_lineno or code.co_firstlineno
    column = 1
    positions = getattr(code, "co_positions", None)  # Python 3.11+
    if positions is not None and frame.f_lasti >= 0:
        try:
            import itertools

            for start_line, _end_line, start_col, _end_col in itertools.islice(
                positions(), frame.f_lasti // 2, frame.f_lasti // 2 + 1
            ):
                if start_line == line and start_col is not None:
                    column = _source_column(code.co_filename, line, start_col)
        except Exception:
            pass
    fragment = _location_json(code.co_filename, line, column, getattr(code, "co_qualname", code.co_name))
    _location_cache[key] = fragment
    return fragment


def _decorated_code(func):
    for _ in range(20):  # follow functools.wraps chains (other decorators stacked on top)
        code = getattr(func, "__code__", None)
        if code is not None:
            return code
        func = getattr(func, "__wrapped__", None)
        if func is None:
            return None
    return None


def _decorator_location(func):
    """Where `@tracer.start_as_current_span(...)` names the span: the decorator line above the def."""
    code = _decorated_code(func)
    if code is None:
        return None
    hit = _location_cache.get(code)
    if hit is not None:
        return hit
    import linecache

    first = code.co_firstlineno  # the first decorator's line when the function has decorators
    line, column = first, 1
    first_decorator = None
    for number in range(first, first + 200):
        text = linecache.getline(code.co_filename, number)
        if not text:
            break
        stripped = text.lstrip()
        if stripped.startswith(("def ", "async def ")):
            if first_decorator is not None and line == first:
                line, column = first_decorator
            break
        if stripped.startswith("@"):
            here = (number, len(text) - len(stripped) + 1)
            if first_decorator is None:
                first_decorator = here
            if "start_as_current_span" in stripped:
                line, column = here
                break
    fragment = _location_json(code.co_filename, line, column, getattr(func, "__qualname__", code.co_name))
    _location_cache[code] = fragment
    return fragment


def _call_site(frame):
    """The location fragment of the user's line that started the span being started now."""
    decorated = None
    library = None
    kinds = _frame_kinds
    while frame is not None:
        code = frame.f_code
        kind = kinds.get(code)
        if kind is None:
            kind = kinds[code] = _frame_kind(frame)
        if kind == _SKIP:
            pass
        elif kind == _WRAPPER:
            if decorated is None:
                try:
                    decorated = frame.f_locals.get("func")
                except Exception:
                    decorated = None
        else:
            if decorated is not None:
                found = _decorator_location(decorated)
                if found is not None:
                    return found
                decorated = None
            if kind == _USER:
                return _frame_location(frame)
            if library is None:
                library = frame
        frame = frame.f_back
    if decorated is not None:
        found = _decorator_location(decorated)
        if found is not None:
            return found
    return _frame_location(library) if library is not None else ""


# --- the span pipeline hook ------------------------------------------------------------------


class _ProviderState:
    """What Span Lens knows about the program's pipeline behind one multi span processor."""

    __slots__ = ("processors", "all_tracked", "batch_queues")

    def __init__(self):
        self.processors = 0
        self.all_tracked = True
        self.batch_queues = []

    def add_program_processor(self, processor):
        exporter = None
        try:
            exporter = getattr(processor, "span_exporter", None)
        except Exception:
            pass
        self.processors += 1
        name = type(exporter).__name__ if exporter is not None else type(processor).__name__
        with _state_lock:
            _program_exporters.append(name)
        if exporter is None or not _track_exporter(exporter):
            # A processor of the program's own making: we cannot see what it exports, so claim
            # nothing about lost spans on this provider.
            self.all_tracked = False
        queue = _batch_queue(processor)
        if queue is not None:
            self.batch_queues.append(queue)


def _track_exporter(exporter):
    """Note which spans the program's exporter is handed, to tell lost spans at exit."""
    if getattr(exporter, "_span_lens_tracked", False):
        return True
    try:
        export = exporter.export
    except Exception:
        return False

    def export_tracked(spans, *args, **kwargs):
        try:
            if not isinstance(spans, (list, tuple)):
                spans = list(spans)
            with _state_lock:
                for span in spans:
                    ctx = span.context
                    _pending.pop((ctx.trace_id, ctx.span_id), None)
        except Exception:
            pass
        return export(spans, *args, **kwargs)

    try:
        exporter.export = export_tracked
        exporter._span_lens_tracked = True
    except Exception:
        return False
    return True


def _batch_queue(processor):
    """The queue of a BatchSpanProcessor: a bounded deque that silently drops its oldest span when full."""
    batch = getattr(processor, "_batch_processor", processor)  # 1.3x+ keeps the queue one level down
    queue = getattr(batch, "_queue", None)
    if queue is None:
        queue = getattr(processor, "queue", None)  # older SDKs
    return queue if getattr(queue, "maxlen", None) else None


def _span_started(span):
    try:
        ctx = span.context
        key = (ctx.trace_id, ctx.span_id)
        if key in _open:
            return
        _open[key] = (span, _call_site(sys._getframe(2)))
    except Exception:
        pass


def _span_ended(span, state):
    try:
        ctx = span.context
        key = (ctx.trace_id, ctx.span_id)
        entry = _open.pop(key, None)
        if entry is None:
            return  # already reported through another provider sharing this pipeline, or not ours
        if state.processors == 0:
            _counts["without_exporter"] += 1
        elif state.all_tracked and ctx.trace_flags.sampled:
            with _state_lock:
                _pending[key] = (format(ctx.span_id, "016x"), state)
        _write_span_record("span", span, entry[1])
    except Exception:
        pass


def _attach(multi):
    """Hook a provider's multi span processor (Synchronous or Concurrent) once."""
    if multi is None or getattr(multi, "_span_lens_state", None) is not None:
        return
    state = _ProviderState()
    try:
        on_start = multi.on_start
        on_end = multi.on_end
        multi._span_lens_state = state
    except Exception:
        return
    for processor in tuple(getattr(multi, "_span_processors", ())):
        state.add_program_processor(processor)

    # Instance attributes, not a processor in the list: the program's processors and whatever it
    # inspects stay as it made them, and our on_start runs on the starting thread even with
    # ConcurrentMultiSpanProcessor (which runs processors on a pool).
    def on_start_hooked(span, parent_context=None):
        _span_started(span)
        return on_start(span, parent_context=parent_context)

    def on_end_hooked(span):
        _span_ended(span, state)
        return on_end(span)

    multi.on_start = on_start_hooked
    multi.on_end = on_end_hooked


def _wraps(original):
    import functools

    return functools.wraps(original)


def _patch_sdk(module):
    """Patch opentelemetry.sdk.trace right after the program imports it."""
    if getattr(module, "_span_lens_patched", False):
        return
    module._span_lens_patched = True
    _flags["sdk_imported"] = True
    provider_class = getattr(module, "TracerProvider", None)
    if provider_class is not None:
        original_init = provider_class.__init__

        @_wraps(original_init)
        def __init__(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            try:
                _attach(getattr(self, "_active_span_processor", None))
            except Exception:
                pass

        provider_class.__init__ = __init__

    for name in ("SynchronousMultiSpanProcessor", "ConcurrentMultiSpanProcessor"):
        multi_class = getattr(module, name, None)
        if multi_class is None or "add_span_processor" not in multi_class.__dict__:
            continue
        _patch_add_span_processor(multi_class)


def _patch_add_span_processor(multi_class):
    original = multi_class.add_span_processor

    @_wraps(original)
    def add_span_processor(self, span_processor, *args, **kwargs):
        result = original(self, span_processor, *args, **kwargs)
        try:
            state = getattr(self, "_span_lens_state", None)
            if state is not None:
                state.add_program_processor(span_processor)
        except Exception:
            pass
        return result

    multi_class.add_span_processor = add_span_processor


# --- API-only programs -----------------------------------------------------------------------

_fallback = {"provider": None, "tried": False}


def _fallback_provider():
    """A TracerProvider for a program that set none, so its spans are still seen (and reported as exported by nothing)."""
    if _fallback["tried"]:
        return _fallback["provider"]
    with _state_lock:
        if _fallback["tried"]:
            return _fallback["provider"]
        try:
            from opentelemetry.sdk.trace import TracerProvider
        except Exception:
            _flags["sdk_missing"] = True
            _fallback["tried"] = True
            return None
    try:
        provider = TracerProvider()
        _flags["installed_provider"] = True
    except Exception:
        provider = None
    with _state_lock:
        _fallback["provider"] = provider
        _fallback["tried"] = True
    return provider


def _patch_api(module):
    """Patch opentelemetry.trace: a ProxyTracer with no global provider gets Span Lens's provider.

    The global provider is not set, so a program that sets its own later still can, and its
    ProxyTracers then switch to it as the API intends.
    """
    if getattr(module, "_span_lens_patched", False):
        return
    module._span_lens_patched = True
    _flags["api_imported"] = True
    proxy_class = getattr(module, "ProxyTracer", None)
    prop = getattr(proxy_class, "__dict__", {}).get("_tracer")
    if not isinstance(prop, property) or prop.fget is None:
        return
    original_get = prop.fget

    def _tracer(self):
        tracer = original_get(self)
        try:
            if tracer is not getattr(self, "_noop_tracer", None) or getattr(module, "_TRACER_PROVIDER", None) is not None:
                return tracer
            own = self.__dict__.get("_span_lens_tracer")
            if own is not None:
                return own
            provider = _fallback_provider()
            if provider is None:
                with _state_lock:
                    _counts["unrecorded"] += 1
                return tracer
            own = provider.get_tracer(
                getattr(self, "_instrumenting_module_name", ""),
                getattr(self, "_instrumenting_library_version", None),
                getattr(self, "_schema_url", None),
                getattr(self, "_attributes", None),
            )
            self.__dict__["_span_lens_tracer"] = own
            return own
        except Exception:
            return tracer

    proxy_class._tracer = property(_tracer, doc=prop.__doc__)


# --- lazy patching on import -----------------------------------------------------------------

_PATCHES = {"opentelemetry.trace": _patch_api, "opentelemetry.sdk.trace": _patch_sdk}


class _PatchingLoader:
    """Runs the real loader, then patches the module, then puts the real loader back in place."""

    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module):
        try:
            self._loader.exec_module(module)
        finally:
            try:
                module.__loader__ = self._loader
                if getattr(module, "__spec__", None) is not None:
                    module.__spec__.loader = self._loader
            except Exception:
                pass
        try:
            self._patch(module)
        except Exception:
            pass

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _OpenTelemetryImportHook:
    """A sys.meta_path finder that only wraps the loaders of the modules Span Lens patches."""

    def __init__(self):
        self._busy = set()

    def find_spec(self, fullname, path=None, target=None):
        patch = _PATCHES.get(fullname)
        if patch is None or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = None
            for finder in list(sys.meta_path):
                if finder is self:
                    continue
                find_spec = getattr(finder, "find_spec", None)
                if find_spec is None:
                    continue
                spec = find_spec(fullname, path, target)
                if spec is not None:
                    break
        except Exception:
            return None
        finally:
            self._busy.discard(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _PatchingLoader(spec.loader, patch)
        return spec

    def invalidate_caches(self):
        pass


# --- exit report -----------------------------------------------------------------------------


def _lost_and_dropped():
    """Spans the program's pipeline never exported: still queued at exit (lost) or gone from a full
    batch queue (dropped). Decided at exit, after the program's providers shut down, so no race
    with the batch worker is possible."""
    with _state_lock:
        pending = list(_pending.items())
    queued = set()
    seen_queues = set()
    for _key, (_span_id, state) in pending:
        for queue in state.batch_queues:
            if id(queue) in seen_queues:
                continue
            seen_queues.add(id(queue))
            try:
                for span in list(queue):
                    ctx = span.context
                    queued.add((ctx.trace_id, ctx.span_id))
            except Exception:
                pass
    lost = []
    dropped = 0
    for key, (span_id, state) in pending:
        if state.batch_queues and key not in queued:
            dropped += 1
        else:
            lost.append(span_id)
    return lost, dropped


def _facts_record():
    """The run's facts, or None for a child process that had nothing to say."""
    had_spans = _counts["written"] + _counts["capped"] > 0
    otel_seen = _flags["sdk_imported"] or _flags["api_imported"]
    if not _flags["is_root"] and not had_spans:
        return None
    facts = {
        "type": "facts",
        "sdk": "python",
        "opentelemetry": "sdk" if _flags["sdk_imported"] else "api" if otel_seen else "none",
    }
    if otel_seen or had_spans:
        module = sys.modules.get("opentelemetry.sdk.version")
        lost, queue_dropped = _lost_and_dropped()
        with _state_lock:
            facts["programExporters"] = list(_program_exporters)
        unrecorded = _counts["unrecorded"] if _flags["sdk_missing"] else 0
        if had_spans or unrecorded:
            facts["noExporter"] = _counts["without_exporter"] > 0 or unrecorded > 0
        facts["lostAtExit"] = lost
        facts["droppedSpans"] = _counts["capped"]
        # Not droppedSpans: runners read that as Span Lens's own cap.
        facts["sdkDroppedSpans"] = queue_dropped
        facts["sdkVersion"] = getattr(module, "__version__", None) if module is not None else None
        facts["installedProvider"] = _flags["installed_provider"]
        if unrecorded:
            facts["spansNotRecorded"] = unrecorded
            facts["message"] = (
                "The program uses opentelemetry-api but opentelemetry-sdk is not installed where it runs, "
                "so its spans do nothing and Span Lens cannot record them. Install opentelemetry-sdk."
            )
    return _to_json(facts)


def _report_at_exit():
    """Spans never ended, then the facts; once. At exit this runs after the program's providers
    shut down (it was registered before any of them, and atexit is LIFO)."""
    if _flags["finished"]:
        _flush_channel_now()
        return
    _flags["finished"] = True
    try:
        for _key, (span, location) in list(_open.items()):
            try:
                _write_span_record("unended", span, location)
            except Exception:
                pass
        _open.clear()
        facts = _facts_record()
        if facts is not None:
            _write_frame(facts)
    except Exception:
        pass
    finally:
        _flush_channel_now()


def _on_fatal_signal(signum, _frame):
    """SIGTERM/SIGHUP with no handler of the program's (Span Lens's stop button, a timeout): report
    the open spans, then die of the signal as the program would have."""
    if _flags["dying"]:
        # The signal again while the report is being written (a stop signals the process group
        # and each process in it): Python runs this handler again in the middle of the first.
        # Dying now would cut the report short; the first call ends the process when it is done.
        return
    _flags["dying"] = True
    _report_at_exit()
    try:
        import _signal

        _signal.signal(signum, _signal.SIG_DFL)
    except Exception:
        pass
    os.kill(os.getpid(), signum)


def _handle_fatal_signals():
    try:
        import _signal
    except ImportError:
        return
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(_signal, name, None)
        if signum is None:
            continue
        try:
            if _signal.getsignal(signum) == _signal.SIG_DFL:
                _signal.signal(signum, _on_fatal_signal)
        except Exception:
            pass  # not the main thread, or an embedded interpreter


def _forget_parent_spans():
    # A forked child must not report its parent's open spans as its own unended ones.
    global _write_lock, _state_lock
    _write_lock = _thread.RLock()
    _state_lock = _thread.RLock()
    _open.clear()
    _pending.clear()
    _flags["is_root"] = False
    _flags["finished"] = False
    _flags["dying"] = False
    _flags["output"] = None
    _counts["written"] = _counts["capped"] = 0
    # The parent's connection and batch are the parent's: this process connects on its own.
    _channel["sock"] = None
    _channel["pid"] = None
    _channel["pending"] = []
    _channel["bytes"] = 0
    _channel["thread_pid"] = None
    _channel["exiting"] = False


def _wrap_os_exit():
    """os._exit skips atexit: report first, in the process Span Lens started (a forked child that
    leaves with os._exit, as multiprocessing's do, has nothing of its own to say)."""
    real_exit = os._exit
    root_pid = os.getpid()

    def _exit(status):
        if os.getpid() == root_pid:
            _report_at_exit()
        else:
            _flush_channel_now()
        real_exit(status)

    _exit.__wrapped__ = real_exit
    os._exit = _exit


def _install():
    if getattr(sys, "_span_lens_python_hook", None) is not None:
        return  # a second copy of this file on the path: the first one reports
    import atexit

    hook = _OpenTelemetryImportHook()
    sys._span_lens_python_hook = hook
    sys.meta_path.insert(0, hook)
    atexit.register(_report_at_exit)
    _handle_fatal_signals()
    _wrap_os_exit()
    if os.environ.get(_ROOT_ENV):
        _flags["is_root"] = False
    else:
        os.environ[_ROOT_ENV] = str(os.getpid())
        os.environ[_OUTPUT_ENV] = _stream_identity(1) + " " + _stream_identity(2)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_forget_parent_spans)
    # Already imported (by a .pth file, say): patch now.
    for name, patch in _PATCHES.items():
        module = sys.modules.get(name)
        if module is not None:
            try:
                patch(module)
            except Exception:
                pass


# --- the sitecustomize this one hides --------------------------------------------------------


def _run_next_sitecustomize():
    """Run the next `sitecustomize` on sys.path after this directory, as site.py would have."""
    try:
        from importlib.machinery import PathFinder

        def same_dir(entry):
            try:
                return os.path.normcase(os.path.abspath(entry or os.curdir)) == os.path.normcase(_HERE)
            except Exception:
                return False

        entries = [e for e in sys.path if isinstance(e, str)]
        mine = [i for i, e in enumerate(entries) if same_dir(e)]
        rest = [e for e in entries[mine[0] + 1 :] if not same_dir(e)] if mine else [e for e in entries if not same_dir(e)]
        spec = PathFinder.find_spec("sitecustomize", rest)
        if spec is None or spec.loader is None:
            return
        if spec.origin and os.path.normcase(os.path.abspath(spec.origin)) == os.path.normcase(os.path.abspath(__file__)):
            return
        import importlib.util

        module = importlib.util.module_from_spec(spec)
        _MY_GLOBALS["chained_sitecustomize"] = module
        spec.loader.exec_module(module)
    except Exception as err:
        # site.py's own words for a failing sitecustomize.
        if sys.flags.verbose:
            sys.excepthook(*sys.exc_info())
        else:
            try:
                sys.stderr.write("Error in sitecustomize; set PYTHONVERBOSE for traceback:\n%s: %s\n" % (err.__class__.__name__, err))
            except Exception:
                pass


if _NONCE is not None and _write_lock is not None:
    _install()
_run_next_sitecustomize()
