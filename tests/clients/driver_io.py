"""The JSON-lines protocol of the Python client drivers beside it (confluent_kafka_driver.py,
kafka_python_driver.py), spoken with tests/clients/python-driver.ts.

A driver reads one JSON command a line on stdin ({"cmd": NAME, ...}) and answers each with one
JSON line on stdout: {"ok": true, ...result} or {"ok": false, "error": "..."}. A consumer driver
also prints {"record": {...}} lines as it consumes, and stops when it reads {"cmd": "stop"} (or
stdin closes). Nothing else is written to stdout; clients' logs go to stderr.
Must stay true: every command gets exactly one answer line, an exception included.
"""
import json
import sys
import threading


def emit(obj):
    """Writes one JSON line to stdout and flushes it."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def serve(handlers):
    """Answers commands from stdin with handlers[cmd](command) until stdin closes or "exit"."""
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        if cmd["cmd"] == "exit":
            emit({"ok": True})
            return
        try:
            emit(dict(handlers[cmd["cmd"]](cmd), ok=True))
        except Exception as e:  # the answer names the failure; the driver keeps serving
            emit({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})


def stop_requested():
    """An Event set once stdin says {"cmd": "stop"} or closes (read on a daemon thread)."""
    ev = threading.Event()

    def watch():
        for line in sys.stdin:
            if line.strip() and json.loads(line).get("cmd") == "stop":
                break
        ev.set()

    threading.Thread(target=watch, daemon=True).start()
    return ev
