#!/usr/bin/env python3
"""report.py: joins the soak test's samples into $WORK/soak.csv and $WORK/soak.md (bench/soak.sh
runs it after every sample, and once more with --final at the end).

  python3 bench/soak/report.py --proc FILE --good FILE --bad FILE --csv OUT --routes-csv OUT --md OUT
          --duration S --sample S --title TEXT [--rate N] [--rss-growth-max X]
          [--final --server-exit TEXT]

--proc: the server's samples as soak.sh writes them, one CSV line per sample
  k,t,alive,rss_kb,hwm_kb,fds,threads,cpu_pct,disk_kb     (k 0: before the traffic starts)
--good / --bad: the JSON lines of good.mjs and bad.py (one per interval k >= 1, then a summary).
Rows are joined on k. With --final it also prints the table, the checks and the answers per kind
of request, and exits 1 when a check failed (see bench/README.md, "Soak test"):
  - the server died, or did not exit 0 on SIGTERM at the end (--server-exit: "0", a status, or "died")
  - the good traffic got a 5xx answer
  - RSS at the end > rss-growth-max x RSS at the first sample at or after a quarter of the run
  - a client did not report every interval (the figures would be incomplete)
"""
import argparse
import csv
import json
import sys

ap = argparse.ArgumentParser()
for name in ("proc", "good", "bad", "csv", "routes_csv", "md", "title"):
    ap.add_argument("--" + name.replace("_", "-"), required=True)
ap.add_argument("--duration", type=float, required=True)
ap.add_argument("--sample", type=float, required=True)
ap.add_argument("--rate", type=float, default=0)
ap.add_argument("--rss-growth-max", type=float, default=1.5)
ap.add_argument("--final", action="store_true")
ap.add_argument("--server-exit", default="0")
opt = ap.parse_args()


def read_jsonl(path):
    rows, summary = {}, {}
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line being written
                if "summary" in d:
                    summary = d["summary"]
                else:
                    rows[d["k"]] = d
    except FileNotFoundError:
        pass
    return rows, summary


PROC_FIELDS = ["k", "t", "alive", "rss_kb", "hwm_kb", "fds", "threads", "cpu_pct", "disk_kb"]
proc = {}
with open(opt.proc) as f:
    for rec in csv.reader(f):
        if len(rec) == len(PROC_FIELDS):
            d = dict(zip(PROC_FIELDS, rec))
            proc[int(d["k"])] = d
good, good_summary = read_jsonl(opt.good)
bad, bad_summary = read_jsonl(opt.bad)

n_intervals = 0
while min((n_intervals + 1) * opt.sample, opt.duration) < opt.duration:
    n_intervals += 1
n_intervals += 1


def boundary(k):
    return min(k * opt.sample, opt.duration)


COLUMNS = ["k", "t_s", "alive", "rss_kb", "hwm_kb", "fds", "threads", "cpu_pct", "disk_kb",
           "good_req", "good_rps", "good_p50_ms", "good_p99_ms", "good_max_ms", "good_max_route", "good_err",
           "good_5xx", "good_429", "good_neterr", "good_late", "good_signups", "good_uploads",
           "idle_held", "idle_closed", "idle_refused", "loris_open", "loris_closed", "loris_life_s", "slow_open", "slow_started",
           "slow_closed", "slow_bytes", "bad_sent", "bad_2xx", "bad_4xx", "bad_429", "bad_5xx", "bad_noanswer",
           "hammer_sent", "hammer_429", "connect_fail"]
rows = []
for k in sorted(proc):
    p, g, b = proc[k], good.get(k, {}), bad.get(k, {})
    secs = boundary(k) - boundary(k - 1) if k > 0 else 0
    row = {"k": k, "t_s": p["t"], "alive": p["alive"], "rss_kb": p["rss_kb"], "hwm_kb": p["hwm_kb"], "fds": p["fds"],
           "threads": p["threads"], "cpu_pct": p["cpu_pct"], "disk_kb": p["disk_kb"]}
    if g:
        row.update(good_req=g["req"], good_rps=round(g["req"] / secs, 1) if secs else "",
                   good_p50_ms=g["p50"], good_p99_ms=g["p99"], good_max_ms=g["max"], good_max_route=g["max_route"],
                   good_err=g["err"], good_5xx=g["e5xx"], good_429=g["e429"], good_neterr=g["neterr"],
                   good_late=g["late"], good_signups=g["signups"], good_uploads=g["uploads"])
    if b:
        row.update(idle_held=b["idle_held"], idle_closed=b["idle_closed"], idle_refused=b["idle_refused"],
                   loris_open=b["loris_open"],
                   loris_closed=b["loris_closed"], loris_life_s=b["loris_life"], slow_open=b["slow_open"],
                   slow_started=b["slow_started"], slow_closed=b["slow_closed"], slow_bytes=b["slow_bytes"])
        for key in ("bad_sent", "bad_2xx", "bad_4xx", "bad_429", "bad_5xx", "bad_noanswer", "hammer_sent",
                    "hammer_429", "connect_fail"):
            row[key] = b[key]
    rows.append(row)

with open(opt.csv, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=COLUMNS, restval="")
    w.writeheader()
    for row in rows:
        w.writerow({k: ("" if v is None else v) for k, v in row.items()})


# The good traffic's latency per route and interval: which requests got slower, if any did.
with open(opt.routes_csv, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["k", "t_s", "route", "requests", "p50_ms", "p99_ms", "max_ms"])
    for k in sorted(good):
        for route, (n, p50, p99, mx) in sorted(good[k].get("routes", {}).items()):
            w.writerow([k, good[k]["t"], route, n, p50, p99, mx])


# ---------------------------------------------------------------- markdown
def cell(v, fmt="{}"):
    if v is None or v == "":
        return ""
    return fmt.format(v)


def mib(kb):
    return "" if kb in (None, "") else f"{int(kb) / 1024:.0f}"


table = ["| t s | RSS MiB | fds | CPU % | good req/s | p50 ms | p99 ms | max ms (route) | good err | good 5xx "
         "| good 429 | idle held | idle closed (refused) | slowloris open | slow readers open | bad req | bad 4xx | bad 429 | bad 5xx "
         "| bad no answer | hammer 429 |",
         "|" + "---:|" * 7 + "---|" + "---:|" * 13]
for r in rows:
    maxcell = f"{r['good_max_ms']} ({r['good_max_route']})" if r.get("good_max_ms") not in (None, "") else ""
    bad_4xx = r.get("bad_4xx", "")
    table.append("| " + " | ".join([
        str(r["t_s"]), mib(r["rss_kb"]), str(r["fds"]), str(r["cpu_pct"]), cell(r.get("good_rps")),
        cell(r.get("good_p50_ms")), cell(r.get("good_p99_ms")), maxcell, cell(r.get("good_err")),
        cell(r.get("good_5xx")), cell(r.get("good_429")), cell(r.get("idle_held")),
        f"{r['idle_closed']} ({r['idle_refused']})" if r.get("idle_closed") not in (None, "") else "",
        cell(r.get("loris_open")),
        cell(r.get("slow_open")), cell(r.get("bad_sent")), cell(bad_4xx), cell(r.get("bad_429")),
        cell(r.get("bad_5xx")), cell(r.get("bad_noanswer")), cell(r.get("hammer_429"))]) + " |")


def codes_table(title, summary):
    if not summary:
        return []
    codes = sorted({c for kinds in summary.values() for c in kinds}, key=str)
    out = [f"| {title} | " + " | ".join(codes) + " |", "|---|" + "---:|" * len(codes)]
    for name in sorted(summary):
        out.append(f"| {name} | " + " | ".join(str(summary[name].get(c, "")) for c in codes) + " |")
    return out


def total(key, src):
    return sum(int(d.get(key) or 0) for d in src.values())


# ---------------------------------------------------------------- checks (--final)
failures, warnings, notes = [], [], []
intervals = [r for r in rows if r["k"] > 0]
if opt.final:
    if opt.server_exit == "died" or any(r["alive"] == "0" for r in rows):
        failures.append("the server died during the run (see kindred.log)")
    elif opt.server_exit != "0":
        failures.append(f"the server exited with {opt.server_exit} after SIGTERM at the end (see kindred.log)")
    g5 = total("e5xx", good)
    if g5:
        failures.append(f"the good traffic got {g5} answers with a 5xx status")
    missing = [name for name, src in (("good.mjs", good), ("bad.py", bad)) if len(src) < n_intervals]
    if missing:
        failures.append(f"{' and '.join(missing)} did not report every interval ({n_intervals}): the figures are "
                        "incomplete (see good.log, bad.log)")
    q1 = next((r for r in intervals if float(r["t_s"]) >= opt.duration / 4 and r["rss_kb"]), None)
    last = intervals[-1] if intervals else None
    if q1 and last and last["rss_kb"]:
        growth = int(last["rss_kb"]) / int(q1["rss_kb"])
        line = (f"RSS {mib(rows[0]['rss_kb'])} MiB before the traffic, {mib(q1['rss_kb'])} MiB at {q1['t_s']} s "
                f"(first sample after a quarter of the run), {mib(last['rss_kb'])} MiB at the end: x{growth:.2f} "
                f"(limit x{opt.rss_growth_max}); peak {mib(last['hwm_kb'])} MiB")
        (failures if growth > opt.rss_growth_max else notes).append(line)
        q3 = next((r for r in intervals if float(r["t_s"]) >= opt.duration * 3 / 4 and r["rss_kb"]), None)
        if q3 and q3 is not last:
            d_mib = (int(last["rss_kb"]) - int(q3["rss_kb"])) / 1024
            hours = (float(last["t_s"]) - float(q3["t_s"])) / 3600
            notes.append(f"RSS over the last quarter: {d_mib:+.0f} MiB from {q3['t_s']} s ({d_mib / hours:+.0f} MiB per "
                         "hour at that pace; caches and memtables filling up flatten out, a leak does not)")
    else:
        warnings.append("no RSS samples to compare (the run ended early?)")
    if intervals:
        fds = [int(r["fds"]) for r in intervals if r["fds"]]
        notes.append(f"open file descriptors: {rows[0]['fds']} before the traffic, at most "
                     f"{max(fds, default='?')}, {intervals[-1]['fds'] or '?'} at the end")
    good_err, g429 = total("err", good), total("e429", good)
    reqs = total("req", good)
    notes.append(f"good traffic: {reqs} requests, {good_err} errors ({total('neterr', good)} network errors or "
                 f"timeouts), {g429} answered 429, {total('signups', good)} sign-ups, {total('uploads', good)} "
                 f"photo posts; {total('late', good)} requests not sent because 256 were in flight")
    if good_err - g5:
        warnings.append(f"the good traffic got {good_err - g5} unexpected answers or network errors that were not 5xx "
                        "(see good.log and the answers below)")
    if g429:
        warnings.append(f"the good traffic was rate-limited {g429} times (429)")
    if opt.rate and reqs < 0.9 * opt.rate * opt.duration:
        warnings.append(f"the good traffic reached {reqs / opt.duration:.1f} req/s, below 90% of the {opt.rate} asked")
    for key, what in (("bad_5xx", "bad requests were answered 5xx"), ("bad_2xx", "bad requests were answered 2xx"),
                      ("connect_fail", "bad-client connections could not be made")):
        n = total(key, bad)
        if n:
            warnings.append(f"{n} {what} (see the answers below and bad.log)")
    lives = sorted(float(b["loris_life"]) for b in bad.values() if b.get("loris_life") is not None)
    loris_life = f"{lives[len(lives) // 2]:.0f} s" if lives else "n/a"
    notes.append(f"bad clients: {total('bad_sent', bad)} bad requests, {total('hammer_sent', bad)} hammer requests "
                 f"({total('hammer_429', bad)} answered 429), {total('idle_closed', bad)} idle connections closed "
                 f"by the server ({total('idle_refused', bad)} refused with an answer), {total('loris_closed', bad)} slowloris connections closed by the server (median "
                 f"life {loris_life}), {total('slow_started', bad)} slow-reader connections "
                 f"({total('slow_bytes', bad)} bytes read slowly)")

checks = [f"- FAILED: {x}" for x in failures] + [f"- warning: {x}" for x in warnings] + [f"- {x}" for x in notes]
def routes_table():
    ks = sorted(good)
    if not ks:
        return []
    first, mid, last = good[ks[0]].get("routes", {}), good[ks[len(ks) // 2]].get("routes", {}), good[ks[-1]].get("routes", {})
    tm = good[ks[len(ks) // 2]]["t"]
    out = [f"| good request | first interval p50 / p99 ms | at {tm} s | last interval |", "|---|---:|---:|---:|"]
    pair = lambda d, r: f"{d[r][1]} / {d[r][2]}" if r in d else ""
    for r in sorted(set(first) | set(mid) | set(last)):
        out.append(f"| {r} | {pair(first, r)} | {pair(mid, r)} | {pair(last, r)} |")
    return out


answers = codes_table("good request", good_summary) + [""] + codes_table("bad client request", bad_summary)
doc = [f"# {opt.title}", ""] + table
if opt.final:
    doc += ["", "## Checks", ""] + (checks or ["- (none)"])
    doc += ["", "## Good traffic's latency by request (per interval: soak-routes.csv)", ""] + routes_table()
    doc += ["", "## Answers by kind of request (whole run; status code, none = no answer)", ""] + answers
with open(opt.md, "w") as f:
    f.write("\n".join(doc) + "\n")
if opt.final:
    print("\n".join(doc))
    sys.exit(1 if failures else 0)
r = rows[-1] if rows else None
if r and r["k"] > 0:  # progress: the newest row in one line
    print(f"{r['t_s']} s: RSS {mib(r['rss_kb'])} MiB, {r['fds']} fds, CPU {r['cpu_pct']}%; good {cell(r.get('good_req'))} "
          f"req, p50 {cell(r.get('good_p50_ms'))} p99 {cell(r.get('good_p99_ms'))} max {cell(r.get('good_max_ms'))} ms, "
          f"{cell(r.get('good_err'))} errors, {cell(r.get('good_429'))} 429; bad {cell(r.get('bad_sent'))} req "
          f"({cell(r.get('bad_4xx'))} 4xx, {cell(r.get('bad_429'))} 429, {cell(r.get('bad_5xx'))} 5xx), "
          f"{cell(r.get('idle_held'))} idle, {cell(r.get('loris_open'))} slowloris, {cell(r.get('slow_open'))} slow readers")
