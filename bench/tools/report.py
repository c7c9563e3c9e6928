#!/usr/bin/env python3
"""Turns a bench/run work directory into docs/benchmarks/results.md, results.tsv and throughput.png.

Inputs: the raw per-point TSV written by bench/run (wrk counters, latency percentiles in
microseconds, server CPU seconds and peak RSS), the run's metadata, its notes, and the JSON summary
of the bounded-memory test. Throughput counts successful requests only (2xx and, for mmfile and the
peer, ERRORCODE "0"); MB/s is file payload (10^6 bytes) per second.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess

CASE_TITLES = {
    "save100k": "saveImage, 100 KiB JPEG, durable store (isStorage=true)",
    "save100k-dup": "saveImage, 100 KiB JPEG, durable store, every request of a point the same bytes (duplicates)",
    "save100k-cache": "saveImage, 100 KiB JPEG, cache store (no isStorage)",
    "save1m": "saveImage, 1 MiB JPEG, durable store",
    "get100k": "gainImage, 100 KiB file, keep-alive",
    "get100k-close": "gainImage, 100 KiB file, Connection: close",
    "login": "srv login of many accounts, each from its own address (argon2id at 19 MiB, 2 iterations)",
    "authread": "srv accountDetail with a Bearer token (token check, session lookup, one SQL row)",
}
CASE_ORDER = list(CASE_TITLES)

TARGET_LABELS = {
    "mmfile": "mmfile",
    "mmfile-volume": "mmfile, volume store, fsync=none",
    "mmfile-volume-group": "mmfile, volume store, fsync=group (nginx does not fsync)",
    "mmfile-mysql": "mmfile, metadata on MariaDB",
    "mmfile-redis": "mmfile, cache store on Redis",
    "nginx-put": "nginx PUT of a new file",
    "nginx-spool": "nginx body to temp file (reference)",
    "nginx-static": "nginx static file",
    "webflux": "Spring WebFlux peer",
}
CASE_TARGET_LABELS = {
    ("save100k-cache", "mmfile"): "mmfile, in-process cache store",
    ("save100k", "mmfile"): "mmfile, disk store",
    ("save1m", "mmfile"): "mmfile, disk store",
    ("get100k", "mmfile"): "mmfile, disk store",
    ("get100k-close", "mmfile"): "mmfile, disk store",
    ("save100k", "mmfile-mysql"): "mmfile, disk store, metadata on MariaDB",
    ("save100k-dup", "mmfile"): "mmfile, disk store",
    ("save100k-dup", "mmfile-mysql"): "mmfile, disk store, metadata on MariaDB",
    ("get100k", "mmfile-volume"): "mmfile, volume store",
}
# The durable stores and fsync policies compared in the durability section, in this order.
DURABLE_VARIANTS = ["mmfile", "mmfile-volume", "mmfile-volume-group"]
COLORS = {
    "mmfile": "#1f77b4", "mmfile-mysql": "#6baed6", "mmfile-redis": "#9467bd",
    "mmfile-volume": "#d62728", "mmfile-volume-group": "#ff9896",
    "nginx-put": "#2ca02c", "nginx-spool": "#98df8a", "nginx-static": "#2ca02c", "webflux": "#ff7f0e",
}


def label(case, target):
    return CASE_TARGET_LABELS.get((case, target), TARGET_LABELS.get(target, target))


def load_rows(path):
    rows = []
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            try:
                secs = int(r["duration_us"]) / 1e6
                requests = int(r["requests"])
                bad = int(r["status_err"]) + int(r["bad_body"])
                sock = sum(int(r[k]) for k in ("connect_err", "read_err", "write_err", "timeout_err"))
                ok = requests - bad
                row = {
                    "case": r["case"], "target": r["target"], "server": r["server"],
                    "conns": int(r["connections"]), "payload": int(r["payload_bytes"]),
                    "rps": ok / secs if secs > 0 else 0.0,
                    "mbps": ok / secs * int(r["payload_bytes"]) / 1e6 if secs > 0 else 0.0,
                    "p50": int(r["p50_us"]) / 1000, "p90": int(r["p90_us"]) / 1000,
                    "p99": int(r["p99_us"]) / 1000, "max": int(r["max_us"]) / 1000,
                    "errors": bad + sock, "non2xx": int(r["status_err"]), "bad_body": int(r["bad_body"]),
                    "socket_errors": sock,
                    "cpu_s": float(r["server_cpu_s"]),
                    "cpu_us_per_req": float(r["server_cpu_s"]) * 1e6 / requests if requests else 0.0,
                    "rss_mb": int(r["server_peak_rss_kb"] or 0) / 1024,
                    "wrk_cpu_s": float(r.get("wrk_cpu_s") or 0),
                    "other_cpu_s": float(r.get("other_cpu_s") or 0),
                    "secs": secs,
                }
            except (ValueError, KeyError):
                continue
            rows.append(row)
    return rows


def load_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    meta[k] = v
    return meta


def find(rows, case, target, conns):
    for r in rows:
        if r["case"] == case and r["target"] == target and r["conns"] == conns:
            return r
    return None


def reference(rows, case, conns, kind):
    """The baseline row an mmfile row is compared with: nginx (PUT or static) or the peer."""
    if case.startswith("get"):
        target = "nginx-static" if kind == "nginx" else "webflux"
        return find(rows, case, target, conns)
    target = "nginx-put" if kind == "nginx" else "webflux"
    # the cache-store and duplicate cases have no baselines of their own: compare with the durable 100 KiB case
    return find(rows, "save100k" if case in ("save100k-cache", "save100k-dup") else case, target, conns)


CORES = 2
DISTURBED_SHARE = 0.10


def disturbed(r):
    """A point during which the rest of the machine used more than 10% of all cores' time."""
    return r is not None and r["other_cpu_s"] > DISTURBED_SHARE * CORES * r["secs"]


def ratio(a, b):
    if a is None or b is None or not b["rps"]:
        return None
    return a["rps"] / b["rps"]


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}×"


def fmt(x, digits=1):
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def case_table(rows, case):
    out = []
    head = ("| server | conns | req/s | MB/s | p50 ms | p99 ms | errors | vs nginx | vs peer "
            "| server CPU s | CPU µs/req | peak RSS MB | wrk CPU s | other CPU s |")
    out.append(head)
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    targets = []
    for r in rows:
        if r["case"] == case and r["target"] not in targets:
            targets.append(r["target"])
    for t in targets:
        for r in sorted((r for r in rows if r["case"] == case and r["target"] == t), key=lambda r: r["conns"]):
            is_mmfile = t.startswith("mmfile")
            vs_nginx = fmt_ratio(ratio(r, reference(rows, case, r["conns"], "nginx"))) if is_mmfile else ""
            vs_peer = fmt_ratio(ratio(r, reference(rows, case, r["conns"], "peer"))) if is_mmfile else ""
            errors = str(r["errors"])
            if r["errors"]:
                parts = []
                if r["non2xx"]:
                    parts.append(f"{r['non2xx']} non-2xx")
                if r["bad_body"]:
                    # srv answers carry their code in "error", the daoke ones in "ERRORCODE"
                    field = "error" if case in ("login", "authread") else "ERRORCODE"
                    parts.append(f"{r['bad_body']} {field}≠0")
                if r["socket_errors"]:
                    parts.append(f"{r['socket_errors']} socket")
                errors = f"{r['errors']} ({', '.join(parts)})"
            name = f"**{label(case, t)}**" if is_mmfile else label(case, t)
            out.append(f"| {name} | {r['conns']} | {fmt(r['rps'])} | {fmt(r['mbps'])} | {fmt(r['p50'], 2)} "
                       f"| {fmt(r['p99'], 2)} | {errors} | {vs_nginx} | {vs_peer} | {fmt(r['cpu_s'], 2)} "
                       f"| {fmt(r['cpu_us_per_req'])} | {fmt(r['rss_mb'])} | {fmt(r['wrk_cpu_s'], 2)} "
                       f"| {fmt(r['other_cpu_s'], 2)}{' ⚠' if disturbed(r) else ''} |")
    return "\n".join(out)


def targets_section(rows, memtest, argon2_rate=None):
    lines = ["| target | measured | stands |", "|---|---|---|"]

    def verdict(value, ok, *points):
        if value is None:
            return "not measured"
        word = "**met**" if ok else "**not met**"
        if any(disturbed(p) for p in points):
            word += " (⚠ a point involved was disturbed)"
        return word

    def cpu(r):
        return f"{fmt(r['cpu_us_per_req'])} µs" if r else "–"

    def against(a, b):
        """ratio, both rates and both servers' CPU per request"""
        return (f"{fmt_ratio(ratio(a, b))} ({fmt(a['rps']) if a else '–'} vs {fmt(b['rps']) if b else '–'} req/s; "
                f"server CPU {cpu(a)} vs {cpu(b)} per request)")

    m = find(rows, "save100k", "mmfile", 64)
    put = find(rows, "save100k", "nginx-put", 64)
    spool = find(rows, "save100k", "nginx-spool", 64)
    v = find(rows, "save100k", "mmfile-volume", 64)
    vg = find(rows, "save100k", "mmfile-volume-group", 64)
    x = ratio(v, put)
    lines.append(f"| signed 100 KiB saveImage, volume store, `storage.fsync=none`, ≥ 1.0× nginx PUT of a new file "
                 f"at 64 connections | {against(v, put)} | {verdict(x, x is not None and x >= 1.0, v, put)} |")
    x = ratio(v, spool)
    lines.append(f"| stretch: the same ≥ 0.8× nginx spooling the body to a temp file | {against(v, spool)} "
                 f"| {verdict(x, x is not None and x >= 0.8, v, spool)} |")
    x = ratio(vg, put)
    lines.append(f"| the same with `storage.fsync=group` ≥ 0.6× nginx PUT (nginx does not fsync) | {against(vg, put)} "
                 f"| {verdict(x, x is not None and x >= 0.6, vg, put)} |")
    x = ratio(m, put)
    lines.append(f"| for comparison: the disk store (a file per upload, no fsync) against nginx PUT, 64 connections "
                 f"| {against(m, put)} | {verdict(x, x is not None and x >= 1.0, m, put)} |")
    # The peer target is the durable upload's (the WebFlux peer writes a file per upload); the row names
    # the store its figure comes from, with the volume store's beside it.
    w = find(rows, "save100k", "webflux", 64)
    x = ratio(m, w)
    xv = ratio(v, w)
    lines.append(f"| signed 100 KiB saveImage to the durable store ≥ 1.5× the WebFlux peer at 64 connections "
                 f"(disk store; the volume store with `fsync=none` in brackets) | {fmt_ratio(x)} "
                 f"({fmt(m['rps']) if m else '–'} vs {fmt(w['rps']) if w else '–'} req/s; volume store "
                 f"{fmt_ratio(xv)}) | {verdict(x, x is not None and x >= 1.5, m, w)} |")
    c = find(rows, "save100k-cache", "mmfile", 64)
    x = ratio(c, put)
    lines.append(f"| saveImage to the in-process cache store ≥ 1.3× nginx PUT (64 connections) | {fmt_ratio(x)} "
                 f"({fmt(c['rps']) if c else '–'} vs {fmt(put['rps']) if put else '–'} req/s) "
                 f"| {verdict(x, x is not None and x >= 1.3, c, put)} |")
    g = find(rows, "get100k", "mmfile", 64)
    n = find(rows, "get100k", "nginx-static", 64)
    x = ratio(g, n)
    lines.append(f"| gainImage 100 KiB ≥ 0.8× nginx static (keep-alive, 64 connections) | {fmt_ratio(x)} "
                 f"({fmt(g['rps']) if g else '–'} vs {fmt(n['rps']) if n else '–'} req/s) "
                 f"| {verdict(x, x is not None and x >= 0.8, g, n)} |")
    ok = g is not None and n is not None and g["p99"] <= n["p99"]
    lines.append(f"| gainImage p99 at or below nginx static's (64 connections) | "
                 f"{fmt(g['p99'], 2) + ' ms' if g else '–'} vs {fmt(n['p99'], 2) + ' ms' if n else '–'} "
                 f"| {verdict(g['p99'] if g and n else None, ok, g, n)} |")
    gv = find(rows, "get100k", "mmfile-volume", 64)
    x = ratio(gv, n)
    lines.append(f"| the same from the volume store ≥ 0.8× nginx static, p99 at or below nginx's | {fmt_ratio(x)} "
                 f"({fmt(gv['rps']) if gv else '–'} vs {fmt(n['rps']) if n else '–'} req/s; p99 "
                 f"{fmt(gv['p99'], 2) + ' ms' if gv else '–'} vs {fmt(n['p99'], 2) + ' ms' if n else '–'}) "
                 f"| {verdict(x, x is not None and x >= 0.8 and gv['p99'] <= n['p99'], gv, n)} |")
    g = find(rows, "get100k-close", "mmfile", 64)
    n = find(rows, "get100k-close", "nginx-static", 64)
    x = ratio(g, n)
    lines.append(f"| the same without keep-alive (Connection: close, 64 connections) | {fmt_ratio(x)} "
                 f"({fmt(g['rps']) if g else '–'} vs {fmt(n['rps']) if n else '–'} req/s) "
                 f"| {verdict(x, x is not None and x >= 0.8, g, n)} |")
    # The default durable store: the volume store with storage.fsync=group; the disk store in brackets.
    p99 = vg["p99"] if vg else None
    lines.append(f"| saveImage (100 KiB, durable: the default volume store, `fsync=group`) p99 < 50 ms at 64 "
                 f"connections | {fmt(p99, 2) + ' ms' if p99 is not None else '–'} (disk store "
                 f"{fmt(m['p99'], 2) + ' ms' if m else '–'}) | {verdict(p99, p99 is not None and p99 < 50, vg)} |")
    logins = [r for r in rows if r["case"] == "login" and r["target"] == "mmfile"]
    best = max(logins, key=lambda r: r["rps"]) if logins else None
    if best and argon2_rate:
        x = best["rps"] / argon2_rate
        lines.append(f"| login ≥ 90% of the raw argon2id rate (best of the connection counts) | {x:.2f}× "
                     f"({fmt(best['rps'])} logins/s at {best['conns']} connections vs {argon2_rate:.1f} hashes/s) "
                     f"| {verdict(x, x >= 0.9, best)} |")
    else:
        lines.append("| login ≥ 90% of the raw argon2id rate | – | not measured in this run |")
    if memtest:
        lines.append(f"| 1,000 concurrent 8 MiB uploads at -Xmx256m: no OOM, each stored intact or refused "
                     f"ME24700, nothing half-stored | {memtest.get('ok')} stored, {memtest.get('refused_ME24700')} "
                     f"refused, {memtest.get('errors')} other; peak RSS {memtest.get('peak_rss_mb')} MB "
                     f"| {'**met**' if memtest.get('pass') else '**not met**'} |")
    else:
        lines.append("| 1,000 concurrent 8 MiB uploads at -Xmx256m | – | not measured in this run |")
    return "\n".join(lines)


def durability_section(rows):
    """Each durable store and fsync policy beside nginx PUT, per upload case and connection count."""
    cases = [c for c in ("save100k", "save1m")
             if any(r["case"] == c and r["target"] in DURABLE_VARIANTS for r in rows)]
    if not cases:
        return "Not measured in this run (cases `save100k`, `save1m`)."
    out = ["| case | server | conns | req/s | vs nginx PUT | p50 ms | p99 ms | errors | CPU µs/upload |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for case in cases:
        for c in sorted({r["conns"] for r in rows if r["case"] == case}):
            put = find(rows, case, "nginx-put", c)
            for t in DURABLE_VARIANTS + ["nginx-put"]:
                r = find(rows, case, t, c)
                if r is None:
                    continue
                vs = fmt_ratio(ratio(r, put)) if t != "nginx-put" else "1.00×"
                name = label(case, t)
                if t == "nginx-put":
                    name += " (no fsync)"
                out.append(f"| {case} | {name} | {c} | {fmt(r['rps'])} | {vs} | {fmt(r['p50'], 2)} "
                           f"| {fmt(r['p99'], 2)} | {r['errors']} | {fmt(r['cpu_us_per_req'])}"
                           f"{' ⚠' if disturbed(r) else ''} |")
    return "\n".join(out)


def memory_section(memtest):
    if not memtest:
        return "Not run in this run (case `memory`)."
    m = memtest
    rows = [
        ("uploads started at once", m.get("uploads")),
        ("file size (bytes)", m.get("file_bytes")),
        ("stored (ERRORCODE 0)", m.get("ok")),
        ("refused with ME24700 (overload)", m.get("refused_ME24700")),
        ("other outcomes (errors)", m.get("errors")),
        ("stored uploads read back byte-identical (sha256)", m.get("verified_identical")),
        ("read back different / failed", f"{m.get('mismatched')} / {m.get('verify_failed')}"),
        ("complete blobs in the data directory", m.get("blobs_in_store")),
        ("partial (.part) files left", m.get("partial_files")),
        ("OutOfMemoryError in the server log", "yes" if m.get("out_of_memory_error") else "no"),
        ("server still running afterwards", "yes" if m.get("server_alive") else "no"),
        ("peak resident memory (VmHWM)", f"{m.get('peak_rss_mb')} MB"),
        ("resident memory afterwards", f"{m.get('rss_after_mb')} MB"),
        ("server CPU during the test", f"{m.get('server_cpu_s', '–')} s"),
        ("wall time of the upload phase", f"{m.get('upload_seconds')} s"),
        ("stored payload rate", f"{m.get('uploaded_mb_per_s')} MB/s"),
        ("verdict", "**pass**" if m.get("pass") else "**fail**"),
    ]
    out = ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    if m.get("error_kinds"):
        out.append("")
        out.append("Other outcomes by kind:")
        out.append("")
        for k, v in sorted(m["error_kinds"].items(), key=lambda kv: -kv[1]):
            out.append(f"- {v} × `{k}`")
    return "\n".join(out)


def write_chart(rows, meta, out_png, work):
    gnuplot = shutil.which("gnuplot")
    cases = [c for c in CASE_ORDER if any(r["case"] == c for r in rows)]
    if not gnuplot or not cases:
        return False
    ncols = 2 if len(cases) > 1 else 1
    nrows = (len(cases) + ncols - 1) // ncols
    script = [
        f"set terminal pngcairo size {700 * ncols},{380 * nrows + 60} font 'sans,10'",
        f"set output '{out_png}'",
        "set datafile missing '?'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.9 border -1",
        "set boxwidth 0.9",
        "set grid ytics",
        "set yrange [0:*]",
        "set key top left font 'sans,9'",
        "set xlabel 'connections'",
        "set ylabel 'requests/s'",
        "set format y '%.0f'",
        f"set multiplot layout {nrows},{ncols} title \"mmfile benchmark, requests/s (higher is better): "
        f"{meta.get('date', '')}, {meta.get('cpu', '')}, {meta.get('duration_s', '?')} s per point\"",
    ]
    for case in cases:
        targets = []
        for r in rows:
            if r["case"] == case and r["target"] not in targets:
                targets.append(r["target"])
        conns = sorted({r["conns"] for r in rows if r["case"] == case})
        dat = os.path.join(work, f"chart-{case}.dat")
        with open(dat, "w") as f:
            for c in conns:
                vals = []
                for t in targets:
                    r = find(rows, case, t, c)
                    vals.append(f"{r['rps']:.1f}" if r else "?")
                f.write(f"{c} " + " ".join(vals) + "\n")
        top = max((r["rps"] for r in rows if r["case"] == case), default=1.0) or 1.0
        script.append(f"set yrange [0:{top * (1.2 + 0.1 * len(targets)):.0f}]")
        script.append(f"set title \"{case}: {CASE_TITLES.get(case, case)}\"")
        plots = []
        for i, t in enumerate(targets):
            using = f"{i + 2}:xtic(1)" if i == 0 else f"{i + 2}"
            src = f"'{dat}'" if i == 0 else "''"
            plots.append(f"{src} using {using} title '{label(case, t)}' lc rgb '{COLORS.get(t, '#7f7f7f')}'")
        script.append("plot " + ", ".join(plots))
    script.append("unset multiplot")
    gp = os.path.join(work, "throughput.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    result = subprocess.run([gnuplot, gp], capture_output=True, text=True)
    if result.returncode != 0:
        print("gnuplot failed:", result.stderr)
        return False
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--results", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--notes", required=True)
    p.add_argument("--memtest")
    p.add_argument("--argon2", help="ArgonRate output (ARGON2_RATE … hashes_per_s=N)")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--root", help="repository root, replaced by '.' in notes")
    a = p.parse_args()

    rows = load_rows(a.results)
    meta = load_meta(a.meta)
    global CORES
    try:
        CORES = int(meta.get("cores") or re.search(r"(\d+) cores", meta.get("cpu", "")).group(1))
    except (AttributeError, ValueError):
        pass
    n_disturbed = sum(1 for r in rows if disturbed(r))
    notes = []
    if os.path.exists(a.notes):
        with open(a.notes) as f:
            notes = [line.strip() for line in f if line.strip()]
    # results.md is committed: no paths of the machine that ran it
    for prefix, alias in ((a.work, "<work dir>"), (a.root, ".")):
        if prefix:
            notes = [n.replace(prefix.rstrip("/") + "/", alias + "/").replace(prefix.rstrip("/"), alias) for n in notes]
    memtest = None
    if a.memtest and os.path.exists(a.memtest):
        with open(a.memtest) as f:
            memtest = json.load(f)

    os.makedirs(a.out_dir, exist_ok=True)
    png = os.path.join(a.out_dir, "throughput.png")
    chart = write_chart(rows, meta, png, a.work)
    shutil.copy(a.results, os.path.join(a.out_dir, "results.tsv"))

    md = ["# mmfile benchmark results", ""]
    md.append("Generated by `bench/run` (see [README.md](README.md) for the method and how to run it). "
              "Every number comes from one run on one machine: loopback traffic, and the load generator "
              "(wrk) shares the cores with the server under test, so compare servers within this run, "
              "not with other machines.")
    md.append("")
    md.append("## Run")
    md.append("")
    md.append("| | |")
    md.append("|---|---|")
    for k, title in (("date", "date (UTC)"), ("cases", "cases run"), ("duration_s", "seconds measured per point"),
                     ("warmup_s", "seconds of warm-up per point"), ("connections", "connections"),
                     ("wrk_threads", "wrk threads"), ("cpu", "CPU"), ("memory", "memory"), ("kernel", "kernel"),
                     ("java", "Java"), ("nginx", "nginx"), ("wrk", "wrk"), ("redis", "Redis"),
                     ("spring_boot", "Spring Boot (peer)"), ("mmfile_commit", "mmfile commit"),
                     ("loadavg_start", "load average at start"), ("loadavg_end", "load average at end")):
        if k in meta:
            md.append(f"| {title} | {meta[k]} |")
    md.append("")
    md.append("## Targets")
    md.append("")
    if n_disturbed:
        md.append(f"⚠ In {n_disturbed} of {len(rows)} points the rest of the machine used more than "
                  f"{DISTURBED_SHARE:.0%} of the cores' time (column *other CPU s*, marked ⚠): other work "
                  "(builds, test runs) competed with the server and wrk there. Those numbers are lower "
                  "bounds for the server measured, and comparisons involving them are uncertain; "
                  "re-run the case on a quiet machine (`bench/run CASE`) to confirm.")
        md.append("")
    argon2_rate = None
    if a.argon2 and os.path.exists(a.argon2):
        with open(a.argon2) as f:
            m = re.search(r"hashes_per_s=([0-9.]+)", f.read())
            argon2_rate = float(m.group(1)) if m else None
    md.append(targets_section(rows, memtest, argon2_rate))
    md.append("")
    md.append("## Durable store and fsync policy")
    md.append("")
    md.append("The same signed uploads to each durable store: the disk store (`storage.durable=disk`, a file "
              "per upload, written through the page cache), the volume store with `storage.fsync=none` "
              "(acknowledged once the record is in the page cache, as nginx does) and with "
              "`storage.fsync=group` (acknowledged only after an fsync covering it, one fsync per volume "
              "for all uploads finished within `storage.fsync-window-ms`). nginx PUT never fsyncs, so the "
              "fsync=group row pays for a guarantee nginx does not give. CPU µs/upload is the server's "
              "user+system CPU during the point divided by the requests wrk counted.")
    md.append("")
    md.append(durability_section(rows))
    md.append("")
    if chart:
        md.append("![requests per second per case](throughput.png)")
        md.append("")
    md.append("## Results by case")
    md.append("")
    md.append("req/s counts successful requests only; MB/s is file payload (10^6 bytes) per second; "
              "p50/p99 are wrk's latency percentiles; errors are non-2xx answers, mmfile/peer answers whose "
              "ERRORCODE is not \"0\", and socket errors (connect, read, write, timeout); *vs nginx* and "
              "*vs peer* are mmfile's req/s divided by nginx's (PUT of a new file for uploads, static file "
              "for downloads) and by the WebFlux peer's at the same connection count; server CPU is "
              "user+system seconds the server process (nginx: master and workers) used during the "
              "measured interval; peak RSS is the server's VmHWM so far in the run; wrk CPU is the load "
              "generator's own CPU seconds, and other CPU is what the rest of the machine used meanwhile "
              "(busy time of all cores minus server and wrk): with 2 cores, a point has at most "
              "2 × its duration of CPU to share, and a large *other* means the point was disturbed.")
    md.append("")
    for case in CASE_ORDER:
        if any(r["case"] == case for r in rows):
            md.append(f"### {case}: {CASE_TITLES[case]}")
            md.append("")
            md.append(case_table(rows, case))
            md.append("")
    md.append("## Bounded memory: concurrent 8 MiB uploads, mmfile at -Xmx256m")
    md.append("")
    md.append(memory_section(memtest))
    md.append("")
    peaks = {k[len("peak_rss_kb_"):]: int(v) for k, v in meta.items() if k.startswith("peak_rss_kb_") and v.isdigit()}
    if peaks:
        md.append("## Peak resident memory per server process (whole run)")
        md.append("")
        md.append("| server | peak RSS MB |")
        md.append("|---|---:|")
        for k, v in sorted(peaks.items()):
            md.append(f"| {k} | {v / 1024:.0f} |")
        md.append("")
    if notes:
        md.append("## Notes from this run")
        md.append("")
        for n in notes:
            md.append(f"- {n}")
        md.append("")
    with open(os.path.join(a.out_dir, "results.md"), "w") as f:
        f.write("\n".join(md))
    print(f"wrote {os.path.join(a.out_dir, 'results.md')}" + (f" and {png}" if chart else " (no chart)"))


if __name__ == "__main__":
    main()
