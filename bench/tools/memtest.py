#!/usr/bin/env python3
"""Bounded-memory check of mmfile (bench/run case `memory`).

Opens N connections at once (default 1000) and uploads an image of nearly 8 MiB on each, every
upload distinct (a unique JPEG comment segment before EOI), to the durable store. Meanwhile it
samples the server's resident memory. Then it checks that every upload was either stored
byte-identical (GET the returned url back, compare sha256) or refused with the overload error
ME24700, that the number of complete blobs in the data directory equals the number of successes,
and that no partial file is left. Writes a JSON summary to --out and prints it.

stdlib only (asyncio with raw sockets); every phase is bounded in time.
"""
import argparse
import asyncio
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkbody  # noqa: E402

CHUNK = 64 * 1024


def com_segment(text):
    payload = text.encode()
    return b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload


async def read_response(reader):
    """Minimal HTTP/1.1 response reader: status, headers, body (Content-Length, chunked or EOF)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, headers, body


class Upload:
    def __init__(self, i):
        self.i = i
        self.outcome = None  # ok | refused | error
        self.detail = ""
        self.url = None
        self.sha256 = None
        self.seconds = None


async def send_body(writer, pieces):
    for piece in pieces:
        view = memoryview(piece)
        for off in range(0, len(view), CHUNK):
            writer.write(view[off:off + CHUNK])
            await writer.drain()


async def upload(u, args, head, base_view, base_hash, start_gate):
    await start_gate.wait()
    t0 = time.monotonic()
    tail = com_segment("mmfile-bench-upload-%08d" % u.i) + b"\xff\xd9"
    digest = base_hash.copy()
    digest.update(tail)
    u.sha256 = digest.hexdigest()
    form_tail = mkbody.form_tail()
    length = len(head) + len(base_view) + len(tail) + len(form_tail)
    request = (f"POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
               f"Content-Type: {mkbody.CONTENT_TYPE}\r\nContent-Length: {length}\r\n"
               "Connection: close\r\n\r\n").encode()
    writer = None
    sender = None
    try:
        reader, writer = await asyncio.open_connection(args.host, args.port, limit=1 << 20)
        sender = asyncio.ensure_future(send_body(writer, [request + head, base_view, tail + form_tail]))
        status, _, body = await read_response(reader)
        text = body.decode("utf-8", "replace")
        m = re.search(r'"ERRORCODE"\s*:\s*"([^"]*)"', text)
        code = m.group(1) if m else None
        if status == 200 and code == "0":
            u.outcome = "ok"
            u.url = json.loads(text)["RESULT"]["url"]
        elif code == "ME24700":
            u.outcome = "refused"
        else:
            u.outcome = "error"
            u.detail = f"HTTP {status} {text[:160]}"
    except asyncio.IncompleteReadError:
        u.outcome = "error"
        u.detail = "connection closed before a complete response"
    except ConnectionError as e:
        u.outcome = "error"
        u.detail = f"{type(e).__name__} before a response (server reset the connection)"
    except OSError as e:
        u.outcome = "error"
        u.detail = f"{type(e).__name__}: {e}"
    finally:
        if sender is not None:
            if not sender.done():
                sender.cancel()
            try:
                await sender
            except (asyncio.CancelledError, ConnectionError, OSError):
                pass
        if writer is not None:
            writer.close()
        u.seconds = time.monotonic() - t0


async def fetch_sha256(host, port, url, timeout):
    parsed = urllib.parse.urlsplit(url)
    target = parsed.path + ("?" + parsed.query if parsed.query else "")
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, limit=1 << 20), timeout)
    try:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status, _, body = await asyncio.wait_for(read_response(reader), timeout)
        return status, hashlib.sha256(body).hexdigest(), len(body)
    finally:
        writer.close()


def memory_of(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out


async def sample_memory(pid, peak, stop):
    while not stop.is_set():
        m = memory_of(pid)
        peak["rss_kb"] = max(peak.get("rss_kb", 0), m.get("VmRSS", 0))
        peak["hwm_kb"] = max(peak.get("hwm_kb", 0), m.get("VmHWM", 0))
        try:
            await asyncio.wait_for(stop.wait(), 0.2)
        except asyncio.TimeoutError:
            pass


def volume_files(data_dir, jar):
    """Live files in the volume store under data_dir, as `mmfile store verify` counts them."""
    env = dict(os.environ, MMFILE_DATA_DIR=data_dir)
    out = subprocess.run(["java", "-jar", jar, "store", "verify"], env=env, capture_output=True, text=True,
                         timeout=120).stdout
    m = re.search(r"total: \d+ volumes, files (\d+)", out)
    if not m:
        raise SystemExit("store verify printed no total: " + out[-300:])
    return int(m.group(1))


def scan_store(data_dir, size, jar=None):
    """Complete blobs and partial files: files of the upload's size (the disk store), or the volume
    store's live files when it has volumes; partial = .part files and anything left in volumes/staging."""
    volumes = os.path.join(data_dir, "volumes")
    on_volumes = jar is not None and os.path.isdir(volumes)
    complete, partial, partial_names = 0, 0, []
    if on_volumes:
        complete = volume_files(data_dir, jar)
    for dirpath, _, names in os.walk(data_dir):
        staging = os.path.basename(dirpath) == "staging"
        for name in names:
            path = os.path.join(dirpath, name)
            if on_volumes:
                if staging:
                    partial += 1
                    partial_names.append(os.path.relpath(path, data_dir))
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            if st.st_size == size:
                complete += 1
            elif name.endswith(".part"):
                partial += 1
                partial_names.append(os.path.relpath(path, data_dir))
    return complete, partial, partial_names[:5]


async def run(args):
    with open(args.image, "rb") as f:
        image = f.read()
    if image[-2:] != b"\xff\xd9":
        raise SystemExit("image must end with EOI")
    base = image[:-2]
    file_size = len(base) + len(com_segment("mmfile-bench-upload-%08d" % 0)) + 2
    head = mkbody.form_head(args.app_key, args.secret, file_size, is_storage="true")
    base_hash = hashlib.sha256(base)
    before = scan_store(args.data_dir, file_size, args.jar)[0]

    peak = {}
    stop = asyncio.Event()
    sampler = asyncio.ensure_future(sample_memory(args.pid, peak, stop))
    gate = asyncio.Event()
    uploads = [Upload(i) for i in range(args.count)]
    tasks = [asyncio.ensure_future(upload(u, args, head, memoryview(base), base_hash, gate)) for u in uploads]
    t0 = time.monotonic()
    gate.set()
    done, pending = await asyncio.wait(tasks, timeout=args.timeout)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    upload_seconds = time.monotonic() - t0
    for u in uploads:
        if u.outcome is None:
            u.outcome = "error"
            u.detail = "no answer within --timeout (client gave up)"
    # Let the server finish commits and clean up cut-off uploads (bounded) before counting.
    settle_deadline = time.monotonic() + args.settle
    last = None
    while time.monotonic() < settle_deadline:
        await asyncio.sleep(1.0)
        now = scan_store(args.data_dir, file_size, args.jar)[:2]
        if now == last and now[1] == 0:
            break
        last = now
    stop.set()
    await sampler
    after_mem = memory_of(args.pid)

    ok = [u for u in uploads if u.outcome == "ok"]
    refused = [u for u in uploads if u.outcome == "refused"]
    errors = [u for u in uploads if u.outcome == "error"]

    # Read every stored upload back (a few at a time, bounded) and compare sha256.
    verified, mismatched, verify_failed = 0, [], []
    sem = asyncio.Semaphore(8)
    deadline = time.monotonic() + args.verify_timeout

    async def verify(u):
        nonlocal verified
        async with sem:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                verify_failed.append((u.i, "verify deadline passed"))
                return
            try:
                status, sha, n = await fetch_sha256(args.host, args.port, u.url, min(remaining, 30))
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
                verify_failed.append((u.i, f"{type(e).__name__}: {e}"))
                return
            if status == 200 and sha == u.sha256:
                verified += 1
            else:
                mismatched.append((u.i, f"HTTP {status}, {n} bytes"))

    await asyncio.gather(*(verify(u) for u in ok))
    complete, partial, partial_names = scan_store(args.data_dir, file_size, args.jar)
    stored_new = complete - before

    oom = False
    if args.log and os.path.exists(args.log):
        with open(args.log, errors="replace") as f:
            oom = "OutOfMemoryError" in f.read()
    alive = os.path.exists(f"/proc/{args.pid}")

    error_kinds = {}
    for u in errors:
        key = re.sub(r"\d+", "N", u.detail)[:120]
        error_kinds[key] = error_kinds.get(key, 0) + 1
    result = {
        "uploads": args.count,
        "file_bytes": file_size,
        "ok": len(ok),
        "refused_ME24700": len(refused),
        "errors": len(errors),
        "error_kinds": error_kinds,
        "verified_identical": verified,
        "mismatched": len(mismatched),
        "verify_failed": len(verify_failed),
        "blobs_in_store": stored_new,
        "partial_files": partial,
        "partial_examples": partial_names,
        "upload_seconds": round(upload_seconds, 1),
        "uploaded_mb_per_s": round(len(ok) * file_size / 1e6 / upload_seconds, 1) if upload_seconds > 0 else 0,
        "p50_upload_s": round(sorted(u.seconds for u in uploads if u.seconds is not None)[len(uploads) // 2], 2)
        if uploads else None,
        "peak_rss_mb": round(max(peak.get("hwm_kb", 0), after_mem.get("VmHWM", 0)) / 1024, 1),
        "rss_after_mb": round(after_mem.get("VmRSS", 0) / 1024, 1),
        "out_of_memory_error": oom,
        "server_alive": alive,
    }
    result["pass"] = (not oom and alive and len(errors) == 0 and len(mismatched) == 0 and len(verify_failed) == 0
                      and len(ok) + len(refused) == args.count and stored_new == len(ok) and partial == 0)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="server process, for its memory")
    p.add_argument("--data-dir", required=True, help="server data directory, to count stored blobs")
    p.add_argument("--log", help="server log, searched for OutOfMemoryError")
    p.add_argument("--jar", help="mmfile's jar: its `store verify` counts the files of a volume store")
    p.add_argument("--app-key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--image", required=True, help="JPEG ending in EOI; each upload adds a 32-byte comment")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--timeout", type=float, default=240, help="seconds for all uploads")
    p.add_argument("--verify-timeout", type=float, default=180, help="seconds to read everything back")
    p.add_argument("--settle", type=float, default=20,
                   help="seconds the server gets to finish or clean up uploads before files are counted")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only")
    result = asyncio.run(run(args))
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
