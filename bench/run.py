#!/usr/bin/env python3
"""Benchmark harness: generate the packages, then measure unzip, the native CLI, the page
(headless Chromium, through bench/page.mjs) and two peer scanners on each, and write the
results as Markdown and JSON. Called by scripts/bench; see `scripts/bench --help`.

Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.environ.get("PREFLIGHT_BENCH_DIR") or os.path.expanduser("~/.cache/preflight-bench")
CLI = os.path.join(ROOT, "target", "release", "preflight")
NOW = "2026-11-26T00:00:00Z"
NPROC = os.cpu_count() or 1


def say(msg):
    print(f"\033[1m==> {msg}\033[0m", file=sys.stderr, flush=True)


def sizes_arg(text):
    return [s.strip().upper() for s in text.split(",") if s.strip()]


# ---------------------------------------------------------------------------------------------
# Running things.


def timed(cmd, cwd=None, stdout=subprocess.DEVNULL, timeout=None, env=None):
    """Run cmd under /usr/bin/time; returns dict(wall s, rss MB, rc, timed_out).

    The command runs in its own process group, so that a timeout stops it and its children."""
    fmt_file = os.path.join(BENCH_DIR, ".time.out")
    full = ["/usr/bin/time", "-o", fmt_file, "-f", "%e %M"] + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(full, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        return {"wall_s": round(time.monotonic() - t0, 2), "rss_mb": None, "rc": None, "timed_out": True}
    wall = time.monotonic() - t0
    rss = None
    try:
        last = open(fmt_file).read().strip().splitlines()[-1].split()
        wall, rss = float(last[0]), int(last[1]) / 1024
    except (OSError, IndexError, ValueError):
        pass
    res = {"wall_s": round(wall, 2), "rss_mb": round(rss, 1) if rss else None, "rc": p.returncode, "timed_out": False}
    if p.returncode not in (0, 1):
        res["stderr"] = err.decode(errors="replace")[-2000:]
    return res


def out_of(cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, **kw).stdout.strip()
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Machine.


def machine():
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
    os_name = platform.platform()
    try:
        rel = dict(l.rstrip().split("=", 1) for l in open("/etc/os-release") if "=" in l)
        os_name = rel.get("PRETTY_NAME", os_name).strip('"') + f" (kernel {platform.release()})"
    except OSError:
        pass
    return {
        "cpu": cpu, "cores": NPROC, "ram_gb": round(mem_kb / 1024 / 1024, 1), "os": os_name,
        "rustc": out_of(["rustc", "--version"], cwd=ROOT),
        "chromium": out_of(["/usr/bin/chromium", "--version"]),
        "python": platform.python_version(), "node": out_of(["node", "--version"]),
    }


# ---------------------------------------------------------------------------------------------
# Recall: a planted secret is found when the tool reports something at its file and line
# (one line either way; for a key block, any line of the block). Each report counts for one
# planted secret at most; reports near a planted secret that is already counted are
# duplicates, not false positives; the rest are "other" findings.


def recall(planted, reports):
    by_path = {}
    for i, (path, line) in enumerate(reports):
        by_path.setdefault(path, []).append((line, i))
    used = set()
    found = [False] * len(planted)

    def window(p):
        lo, hi = p["line"], p.get("end_line", p["line"])
        return lo - 1, hi + 1

    # Exact lines first, then the window, so that a neighbour does not take another's report.
    for exact in (True, False):
        for k, p in enumerate(planted):
            if found[k]:
                continue
            lo, hi = (p["line"], p["line"]) if exact else window(p)
            for line, i in by_path.get(p["path"], []):
                if i not in used and line is not None and lo <= line <= hi:
                    used.add(i)
                    found[k] = True
                    break
    near = set()
    for p in planted:
        lo, hi = window(p)
        for line, i in by_path.get(p["path"], []):
            if line is not None and lo <= line <= hi:
                near.add(i)
    other = [reports[i] for i in range(len(reports)) if i not in used and i not in near]
    per_kind = {}
    for p, f in zip(planted, found):
        k = per_kind.setdefault(p["kind"], [0, 0])
        k[1] += 1
        k[0] += f
    missed = [p for p, f in zip(planted, found) if not f]
    # The peers read extracted files and do not open jars: recall outside archives compares like
    # with like.
    top = [f for p, f in zip(planted, found) if "!/" not in p["path"]]
    return {"found": sum(found), "planted": len(planted), "other": len(other), "reports": len(reports),
            "found_outside_archives": sum(top), "planted_outside_archives": len(top),
            "per_kind": per_kind, "missed": missed, "other_sample": other[:20]}


def ours_reports(report_path):
    doc = json.load(open(report_path))
    return [(f["path"], f.get("line")) for f in doc["findings"] if f["category"] == "credential"]


def detect_secrets_reports(path):
    doc = json.load(open(path))
    out = []
    for fname, items in doc.get("results", {}).items():
        for it in items:
            out.append((norm(fname), it.get("line_number")))
    return out


def credsweeper_reports(path, base):
    doc = json.load(open(path))
    out = []
    for cand in doc:
        for ld in cand.get("line_data_list", []):
            p = ld.get("path", "")
            if p.startswith(base + "/"):
                p = p[len(base) + 1:]
            out.append((norm(p), ld.get("line_num")))
    return out


def norm(p):
    return p[2:] if p.startswith("./") else p


# ---------------------------------------------------------------------------------------------
# Steps.


def generate(size, seed):
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), "--size", size, "--seed", str(seed),
                          "--out", BENCH_DIR], check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    base = out[:-4]
    man = json.load(open(base + ".manifest.json"))
    return {"zip": out, "manifest": man, "gen_s": round(time.monotonic() - t0, 1),
            "compressed_bytes": os.path.getsize(out), "uncompressed_bytes": man["uncompressed_bytes"], "entries": man["entries"]}


def warm(path):
    # Read the package once so every tool starts from the page cache, not from the disk.
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def cli_has_jobs():
    return "--jobs" in out_of([CLI, "scan", "--help"])


def run_native(pkg, jobs, out_json):
    cmd = [CLI, "scan", pkg, "--now", NOW, "--format", "json", "--out", out_json]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    res = timed(cmd)
    res["command"] = " ".join(cmd)
    return res


def run_page(pkg, uncompressed, workers, timeout):
    cmd = ["node", os.path.join(ROOT, "bench", "page.mjs"), "--package", pkg, "--uncompressed", str(uncompressed),
           "--workers", ",".join(str(w) for w in workers), "--timeout", str(int(timeout * 1000))]
    env = dict(os.environ, PATH=os.path.join(ROOT, "node_modules", ".bin") + os.pathsep + os.environ["PATH"])
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return {"error": (p.stderr or p.stdout)[-2000:]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def ensure_venv():
    venv = os.path.join(BENCH_DIR, "venv")
    ds, cs = os.path.join(venv, "bin", "detect-secrets"), os.path.join(venv, "bin", "credsweeper")
    if not (os.path.exists(ds) and os.path.exists(cs)):
        say(f"installing detect-secrets and credsweeper into {venv} (PyPI)")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "detect-secrets", "credsweeper"], check=True)
    vers = out_of([os.path.join(venv, "bin", "pip"), "list", "--format", "json"])
    versions = {d["name"].lower(): d["version"] for d in json.loads(vers or "[]")}
    return ds, cs, {"detect-secrets": versions.get("detect-secrets"), "credsweeper": versions.get("credsweeper")}


def extract(pkg):
    d = pkg[:-4] + ".d"
    stamp = d + ".stamp"
    if os.path.exists(stamp) and open(stamp).read() == str(os.path.getmtime(pkg)):
        return d, None
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    t0 = time.monotonic()
    subprocess.run(["unzip", "-q", "-o", pkg, "-d", d], check=True)
    # The stamp sits next to the tree, not in it, so that the peers do not scan it.
    open(stamp, "w").write(str(os.path.getmtime(pkg)))
    return d, round(time.monotonic() - t0, 1)


def rescore(res, res_dir):
    """Recount recall from the tools' saved reports (after a change to the matching)."""
    for p in res["packages"]:
        planted = p["manifest_secrets"]
        nat = p["native"]
        for name in (f"{p['size']}.native-N.json", f"{p['size']}.native.json"):
            f = os.path.join(res_dir, name)
            if os.path.exists(f) and nat.get("best"):
                nat["best"]["recall"] = recall(planted, ours_reports(f))
                break
        peers = p.get("peers") or {}
        d = peers.get("dir")
        f = os.path.join(res_dir, f"{p['size']}.detect-secrets.json")
        if peers.get("detect-secrets", {}).get("recall"):
            peers["detect-secrets"]["recall"] = safe_recall(planted, lambda: detect_secrets_reports(f))
        f2 = os.path.join(res_dir, f"{p['size']}.credsweeper.json")
        if peers.get("credsweeper", {}).get("recall"):
            peers["credsweeper"]["recall"] = safe_recall(planted, lambda: credsweeper_reports(f2, d))


def safe_recall(planted, read):
    # A peer's output format may change between releases: report that, keep the run going.
    try:
        return recall(planted, read())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        say(f"could not read a peer's report: {e!r}")
        return None


def run_peers(pkg, planted, timeout, res_dir, tag):
    ds, cs, versions = ensure_venv()
    d, extract_s = extract(pkg)
    out = {"versions": versions, "extract_s": extract_s, "dir": d}
    ds_json = os.path.join(res_dir, f"{tag}.detect-secrets.json")
    say(f"detect-secrets scan --all-files ({tag})")
    with open(ds_json, "w") as f:
        r = timed([ds, "scan", "--all-files"], cwd=d, stdout=f, timeout=timeout)
    r["command"] = f"cd {d} && detect-secrets scan --all-files > OUT.json"
    if not r["timed_out"] and r["rc"] == 0:
        r["recall"] = safe_recall(planted, lambda: detect_secrets_reports(ds_json))
    out["detect-secrets"] = r
    cs_json = os.path.join(res_dir, f"{tag}.credsweeper.json")
    say(f"credsweeper --path DIR --save-json ({tag})")
    r = timed([cs, "--path", d, "--save-json", cs_json, "--no-stdout"], timeout=timeout)
    r["command"] = f"credsweeper --path {d} --save-json OUT.json --no-stdout"
    if not r["timed_out"] and os.path.exists(cs_json):
        r["recall"] = safe_recall(planted, lambda: credsweeper_reports(cs_json, d))
    out["credsweeper"] = r
    return out


# ---------------------------------------------------------------------------------------------
# Report.


def mb(b):
    return f"{b / 1e6:,.1f} MB"


def fmt_s(x):
    return "—" if x is None else f"{x:.2f} s"


def fmt_ratio(a, b):
    return "—" if not a or not b else f"{a / b:.2f}x"


def secs(ms):
    return "—" if ms is None else f"{ms / 1000:.2f} s"


def megs(x):
    return "—" if not x else f"{x:.0f} MB"


def rec(r):
    if not r or not r.get("recall"):
        return "—", "—"
    x = r["recall"]
    text = f"{x['found']}/{x['planted']} ({100 * x['found'] / max(1, x['planted']):.0f}%)"
    if "planted_outside_archives" in x:
        t, n = x["found_outside_archives"], x["planted_outside_archives"]
        text += f"; outside jars {t}/{n} ({100 * t / max(1, n):.0f}%)"
    return text, str(x["other"])


def markdown(res):
    m = res["machine"]
    L = [f"## {res['date']}: benchmark harness (`scripts/bench`)", "",
         f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}",
         f"- Tools: {m['rustc']}, {m['chromium']}, Node {m['node']}, Python {m['python']}",
         f"- Command: `{res['command']}`",
         f"- Packages: `bench/gen.py` generator version {res['generator_version']}, seed {res['seed']}, in `{BENCH_DIR}`.",
         f"- Native CLI: `target/release/preflight scan PKG --now {NOW} --format json --out OUT.json`"
         + (" with `--jobs 1` and `--jobs N`." if res["cli_jobs"] else " (this build has no `--jobs`: one run with the default)."),
         *(["- **cargo build failed**: the numbers are those of the binary already in target/release."] if res["cli_build_failed"] else []),
         "- Times are wall clock from `/usr/bin/time -f \"%e %M\"` (peak RSS of the largest process); the package is read once before, so "
         "every tool starts from the page cache.", ""]
    L += ["### Packages", "", "| package | compressed | uncompressed | entries | planted secrets | generation |", "|---|---|---|---|---|---|"]
    for p in res["packages"]:
        L.append(f"| {p['size']} | {mb(p['compressed_bytes'])} | {mb(p['uncompressed_bytes'])} | {p['entries']:,} | "
                 f"{len(p['manifest_secrets'])} | {p['gen_s']} s{' (cached)' if p['gen_s'] < 2 else ''} |")
    L += ["", "### Native CLI vs `unzip -p PKG > /dev/null`", ""]
    n = res["nproc"]
    L += [f"| package | unzip -p | native 1 job | native {n} jobs | 1 job / unzip | {n} jobs / unzip | {n}/1 speedup | peak RSS 1 / {n} | throughput 1 / {n} | recall | other credential findings |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in res["packages"]:
        u, a, b = p["unzip"], p["native"].get("jobs1"), p["native"].get("jobsN")
        tp = lambda r: "—" if not r or not r.get("wall_s") else f"{p['uncompressed_bytes'] / 1e6 / r['wall_s']:.0f} MB/s"
        rss = lambda r: "—" if not r or not r.get("rss_mb") else f"{r['rss_mb']:.0f} MB"
        found, other = rec(p["native"].get("best"))
        L.append(f"| {p['size']} | {fmt_s(u['wall_s'])} | {fmt_s(a and a['wall_s'])} | {fmt_s(b and b['wall_s'])} | "
                 f"{fmt_ratio(a and a['wall_s'], u['wall_s'])} | {fmt_ratio(b and b['wall_s'], u['wall_s'])} | "
                 f"{fmt_ratio(a and a['wall_s'], b and b['wall_s'])} | {rss(a)} / {rss(b)} | {tp(a)} / {tp(b)} | {found} | {other} |")
    pages = [p for p in res["packages"] if p.get("page")]
    if pages:
        L += ["", "### Page (headless Chromium, `?workers=1` and `?workers=N`)", ""]
        L += ["| package | workers | wall | throughput | / native 1 job | all / one | first finding | peak RSS increase | JS heap (used, after) | longest main-thread gap | longest task | page stats |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for p in pages:
            pg = p["page"]
            if "error" in pg:
                L.append(f"| {p['size']} | error | {pg['error'][:200]!r} |||||||||")
                continue
            runs = pg["runs"]
            one = next((r for r in runs if r["workers"] == 1), None)
            nat = p["native"].get("jobs1") or p["native"].get("default")
            for r in runs:
                if "error" in r:
                    L.append(f"| {p['size']} | {r['workers']} | error: {r['error'][:150]} |||||||||")
                    continue
                sp = fmt_ratio(one["wall_ms"], r["wall_ms"]) if one and "wall_ms" in one and r is not one else "—"
                stats = json.dumps(r.get("preflight_stats")) if r.get("preflight_stats") else "—"
                L.append(f"| {p['size']} | {r['workers']} | {r['wall_ms'] / 1000:.2f} s | {r['mb_per_s']:.1f} MB/s | "
                         f"{fmt_ratio(r['wall_ms'] / 1000, nat and nat['wall_s'])} | {sp} | "
                         f"{secs(r.get('first_finding_ms'))} | "
                         f"{r['rss_peak_increase_mb']:.0f} MB | {r['js_heap_used_mb']:.0f} MB | {r['longest_gap_ms']:.0f} ms | "
                         f"{r['longest_task_ms']:.0f} ms | {stats} |")
        note = pages[0]["page"].get("note")
        if note:
            L += ["", f"- {note}"]
    peers = [p for p in res["packages"] if p.get("peers")]
    if peers:
        pv = peers[0]["peers"]["versions"]
        L += ["", f"### Peers (detect-secrets {pv['detect-secrets']}, CredSweeper {pv['credsweeper']}) on the extracted files", ""]
        L += ["| package | tool | time | peak RSS | recall (planted found) | other credential findings | Preflight is faster by |", "|---|---|---|---|---|---|---|"]
        for p in peers:
            nat = p["native"].get("jobs1") or p["native"].get("default")
            natN = p["native"].get("jobsN") or nat
            found, other = rec(p["native"].get("best"))
            L.append(f"| {p['size']} | Preflight (ZIP, 1 job / {res['nproc']} jobs) | {fmt_s(nat['wall_s'])} / {fmt_s(natN['wall_s'])} | "
                     f"{nat['rss_mb']:.0f} MB | {found} | {other} | |")
            for tool in ("detect-secrets", "credsweeper"):
                r = p["peers"][tool]
                found, other = rec(r)
                t = f"timeout after {r['wall_s']:.0f} s" if r["timed_out"] else fmt_s(r["wall_s"])
                faster = "—" if r["timed_out"] else f"{r['wall_s'] / nat['wall_s']:.1f}x (1 job), {r['wall_s'] / natN['wall_s']:.1f}x ({res['nproc']} jobs)"
                L.append(f"| {p['size']} | {tool} | {t} | {megs(r.get('rss_mb'))} | {found} | {other} | {faster} |")
        L += ["", "- Peers read the files extracted once with `unzip` (extraction not counted); Preflight reads the ZIP. "
              "detect-secrets runs `scan --all-files` in the directory and uses a process per core by default; CredSweeper runs "
              "with its defaults (`--jobs 1`, ML threshold `medium`) and does not open archives without `--depth`, so the "
              "secrets planted inside jars are out of its reach, as they are for detect-secrets.",
              f"- A peer run is stopped after {res['peer_timeout_s']} s."]
    # Recall by kind, every tool side by side.
    tools = []
    for p in res["packages"]:
        if p["native"].get("best", {}).get("recall"):
            tools.append((p["size"], "Preflight", p["native"]["best"]["recall"]))
        for t in ("detect-secrets", "credsweeper"):
            r = (p.get("peers") or {}).get(t)
            if r and r.get("recall"):
                tools.append((p["size"], t, r["recall"]))
    if tools:
        kinds = sorted({k for _, _, r in tools for k in r["per_kind"]})
        L += ["", "### Recall by planted kind (found/planted)", "",
              "| kind | " + " | ".join(f"{t} {s}" for s, t, _ in tools) + " |", "|---" * (len(tools) + 1) + "|"]
        for k in kinds:
            L.append(f"| {k} | " + " | ".join("{}/{}".format(*r["per_kind"].get(k, [0, 0])) for _, _, r in tools) + " |")
    for p in res["packages"]:
        r = p["native"].get("best", {}).get("recall")
        if r and r["missed"]:
            L += ["", f"Planted secrets Preflight did not report ({p['size']}):", ""]
            L += [f"- `{x['path']}` line {x['line']}: {x['kind']}" for x in r["missed"][:15]]
    if res.get("stages_s"):
        L += ["", "- Stages (s): " + ", ".join(f"{k} {v}" for k, v in res["stages_s"].items())]
    L += ["", f"Raw data: `{res['json_path']}`.", ""]
    return "\n".join(L)


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench", formatter_class=argparse.RawDescriptionHelpFormatter, description="""\
Benchmark Preflight on generated packages of about 50 MB, 500 MB and 2 GB (uncompressed), with
secrets planted at known places: unzip as the floor, the native CLI with one job and all cores,
the page in headless Chromium with one worker and all, and two peer scanners (detect-secrets,
CredSweeper, installed from PyPI into a virtual environment). Prints a Markdown section and
writes it, with the raw data as JSON, to target/bench/results-DATE.{md,json}.

Packages, their manifests, extracted copies and the virtual environment live in
$PREFLIGHT_BENCH_DIR (default ~/.cache/preflight-bench) and are reused when present.""")
    ap.add_argument("--sizes", type=sizes_arg, default=["50M", "500M", "2G"], help="packages to build and measure (default 50M,500M,2G)")
    ap.add_argument("--page-sizes", type=sizes_arg, default=None, help="of those, the ones measured in the page (default: all of --sizes)")
    ap.add_argument("--peer-sizes", type=sizes_arg, default=["50M", "500M"], help="of those, the ones the peers scan (default 50M,500M)")
    ap.add_argument("--seed", type=int, default=8, help="generator seed (default 8)")
    ap.add_argument("--peer-timeout", type=int, default=1200, help="seconds before a peer run is stopped (default 1200)")
    ap.add_argument("--no-page", action="store_true", help="skip the page measurements")
    ap.add_argument("--no-peers", action="store_true", help="skip the peers")
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "target", "bench"), help="where results go (default target/bench)")
    ap.add_argument("--render", metavar="JSON", help="only print the Markdown of a saved results JSON")
    a = ap.parse_args()
    if a.render:
        res = json.load(open(a.render))
        rescore(res, os.path.join(os.path.dirname(os.path.abspath(a.render)), f"run-{res['date']}"))
        print(markdown(res))
        return
    page_sizes = a.sizes if a.page_sizes is None else a.page_sizes
    os.makedirs(BENCH_DIR, exist_ok=True)
    os.makedirs(a.out_dir, exist_ok=True)
    date = datetime.date.today().isoformat()
    res_dir = os.path.join(a.out_dir, f"run-{date}")
    os.makedirs(res_dir, exist_ok=True)
    stages = {}

    say("cargo build --release -p preflight")
    t0 = time.monotonic()
    # Others may be editing the sources: when the tree does not build, measure the binary that
    # is there and say so, rather than measure nothing.
    build_rc = subprocess.run(["cargo", "build", "--release", "-p", "preflight"], cwd=ROOT).returncode
    stages["cargo build"] = round(time.monotonic() - t0, 1)
    if build_rc != 0 and not os.path.exists(CLI):
        sys.exit("cargo build failed and there is no target/release/preflight")
    jobs = cli_has_jobs()
    gen_mod = open(os.path.join(ROOT, "bench", "gen.py")).read()
    res = {"date": date, "command": "scripts/bench " + " ".join(sys.argv[1:]), "machine": machine(), "nproc": NPROC,
           "cli_jobs": jobs, "cli_build_failed": build_rc != 0, "seed": a.seed, "generator_version": int(re.search(r"GEN_VERSION = (\d+)", gen_mod).group(1)),
           "peer_timeout_s": a.peer_timeout, "packages": [], "stages_s": stages,
           "json_path": os.path.relpath(os.path.join(a.out_dir, f"results-{date}.json"), ROOT)}
    page_ok = os.path.exists(os.path.join(ROOT, "dist", "preflight.html"))
    if not page_ok and not a.no_page and page_sizes:
        say("dist/preflight.html is missing: scripts/build")
        t0 = time.monotonic()
        subprocess.run([os.path.join(ROOT, "scripts", "build")], cwd=ROOT, check=True)
        stages["scripts/build"] = round(time.monotonic() - t0, 1)

    for size in a.sizes:
        say(f"package {size}: generating (or reusing)")
        pk = generate(size, a.seed)
        stages[f"{size} generate"] = pk["gen_s"]
        planted = pk["manifest"]["secrets"]
        entry = {"size": size, "zip": pk["zip"], "compressed_bytes": pk["compressed_bytes"], "uncompressed_bytes": pk["uncompressed_bytes"],
                 "entries": pk["entries"], "gen_s": pk["gen_s"], "manifest_secrets": planted}
        warm(pk["zip"])
        say(f"package {size}: unzip -p")
        t0 = time.monotonic()
        entry["unzip"] = timed(["unzip", "-p", pk["zip"]])
        say(f"package {size}: native CLI")
        nat = {}
        if jobs:
            nat["jobs1"] = run_native(pk["zip"], 1, os.path.join(res_dir, f"{size}.native-1.json"))
            nat["jobsN"] = run_native(pk["zip"], NPROC, os.path.join(res_dir, f"{size}.native-N.json"))
            best = os.path.join(res_dir, f"{size}.native-N.json")
            nat["best"] = dict(nat["jobsN"])
        else:
            nat["default"] = run_native(pk["zip"], None, os.path.join(res_dir, f"{size}.native.json"))
            nat["jobs1"] = nat["default"]
            best = os.path.join(res_dir, f"{size}.native.json")
            nat["best"] = dict(nat["default"])
        if os.path.exists(best):
            nat["best"]["recall"] = recall(planted, ours_reports(best))
        entry["native"] = nat
        stages[f"{size} unzip + native"] = round(time.monotonic() - t0, 1)
        if not a.no_page and size in page_sizes:
            say(f"package {size}: page, workers 1 and {NPROC}")
            t0 = time.monotonic()
            entry["page"] = run_page(pk["zip"], pk["uncompressed_bytes"], [1, NPROC], timeout=3600)
            stages[f"{size} page"] = round(time.monotonic() - t0, 1)
        if not a.no_peers and size in a.peer_sizes:
            t0 = time.monotonic()
            entry["peers"] = run_peers(pk["zip"], planted, a.peer_timeout, res_dir, size)
            stages[f"{size} peers"] = round(time.monotonic() - t0, 1)
        res["packages"].append(entry)
        # Written after each package, so that a long run that is stopped still leaves its data.
        json.dump(res, open(os.path.join(a.out_dir, f"results-{date}.json"), "w"), indent=1, default=str)

    text = markdown(res)
    open(os.path.join(a.out_dir, f"results-{date}.md"), "w").write(text)
    json.dump(res, open(os.path.join(a.out_dir, f"results-{date}.json"), "w"), indent=1, default=str)
    print(text)


if __name__ == "__main__":
    main()
