"""Time from dropping a file into the landing folder to its business tables being refreshed, and
the CPU an idle `make dev` uses.

Starts `dg dev` as `make dev` does (webserver + daemon, the sensors as they ship: landing sensor and
automation sensor running) on loopback over a temporary lake, lands a generated dataset, waits until
every asset is materialized, then drops one new dated file for TABLE and polls the GraphQL API until
every asset downstream of raw/TABLE has a materialization newer than the drop. Prints the latency
of each layer, and the ratio to a baseline: the same assets materialized directly in this process
(`execute_in_process`, no sensors, no run launcher). Then, with nothing left to do, it measures the
CPU time every process of `dg dev` uses over IDLE_SECONDS, as a share of one core.

    .venv/bin/python benchmarks/bench_landing_latency.py [--scale 0.1] [--table order_payments] [--log FILE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import requests

from olist_assets.core.contracts import CONTRACTS
from olist_assets.definitions import build_definitions
from olist_assets.generator.dataset import generate_dataset

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TIMEOUT_SECONDS = 900
IDLE_SECONDS = 60
QUIET_SECONDS = 20
LATEST = """
query Latest($keys: [AssetKeyInput!]) {
  assetNodes(assetKeys: $keys) { assetKey { path } assetMaterializations(limit: 1) { timestamp } }
}
"""


LANDING_RUN = """
{ runsOrError(filter: {tags: [{key: "olist/trigger", value: "landing"}]}, limit: 1) {
    ... on Runs { results { creationTime startTime } } } }
"""


def landing_run(url: str) -> dict[str, float]:
    """When the last landing run was created (the sensor's request) and started (launched)."""
    response = requests.post(f"{url}/graphql", json={"query": LANDING_RUN}, timeout=30)
    (run,) = response.json()["data"]["runsOrError"]["results"]
    return {"created": float(run["creationTime"]), "started": float(run["startTime"])}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def latest(url: str, keys: list[dg.AssetKey]) -> dict[str, float]:
    """Last materialization time (epoch s) of each key that has one."""
    variables = {"keys": [{"path": key.path} for key in keys]}
    try:
        response = requests.post(
            f"{url}/graphql", json={"query": LATEST, "variables": variables}, timeout=30
        )
        nodes = response.json()["data"]["assetNodes"]
    except (requests.RequestException, KeyError, TypeError):
        return {}
    return {
        "/".join(n["assetKey"]["path"]): float(n["assetMaterializations"][0]["timestamp"]) / 1000
        for n in nodes
        if n["assetMaterializations"]
    }


def wait_for(url: str, keys: list[dg.AssetKey], after: float, label: str) -> dict[str, float]:
    """Poll until every key has a materialization newer than `after`; print progress."""
    deadline = time.time() + TIMEOUT_SECONDS
    names = {key.to_user_string() for key in keys}
    while time.time() < deadline:
        done = {k: t for k, t in latest(url, keys).items() if t > after}
        print(f"\r  {label}: {len(done)}/{len(names)} assets refreshed", end="", flush=True)
        if set(done) == names:
            print()
            return done
        time.sleep(0.5)
    raise TimeoutError(f"{label}: not refreshed within {TIMEOUT_SECONDS}s: {names - set(done)}")


def drop(source: Path, landing: Path, name: str) -> float:
    """Put a file into landing atomically (write aside, rename), as a copy tool should."""
    staged = landing / f".{name}.part"
    shutil.copyfile(source, staged)
    os.replace(staged, landing / name)
    return time.time()


def session_cpu_seconds(session: int) -> float:
    """User + system CPU seconds of every live process in a session (the dg dev process tree)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # fields after the command: state, ppid, pgrp, session, ...
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def idle_cpu(session: int) -> float:
    """The share of one core the session uses over IDLE_SECONDS, after QUIET_SECONDS to settle."""
    time.sleep(QUIET_SECONDS)
    before, started = session_cpu_seconds(session), time.monotonic()
    time.sleep(IDLE_SECONDS)
    return (session_cpu_seconds(session) - before) / (time.monotonic() - started)


def downstream(definitions: dg.Definitions, key: dg.AssetKey) -> list[dg.AssetKey]:
    selection = dg.AssetSelection.assets(key).downstream(include_self=False)
    return sorted(selection.resolve(definitions.resolve_asset_graph()), key=str)


def baseline(folder: Path, csv: Path, table: str, dropped: str) -> float:
    """The same refresh without orchestration: raw/TABLE and its downstream, in process."""
    landing, lake = folder / "baseline_landing", folder / "baseline_lake"
    shutil.copytree(csv, landing)
    definitions = build_definitions(str(lake), str(landing))
    with dg.DagsterInstance.ephemeral() as instance:
        job = definitions.resolve_implicit_global_asset_job_def()
        job.execute_in_process(instance=instance)
        shutil.copyfile(csv / CONTRACTS[table].file_name, landing / dropped)
        key = dg.AssetKey(["raw", table])
        selection = [key, *downstream(definitions, key)]
        started = time.perf_counter()
        result = job.execute_in_process(instance=instance, asset_selection=selection)
        assert result.success
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--table", default="order_payments", choices=sorted(CONTRACTS))
    parser.add_argument("--log", type=Path, help="keep the dg dev log (events of every run) here")
    args = parser.parse_args()
    contract = CONTRACTS[args.table]
    dropped = f"{contract.file_stem}_2018-09.csv"

    with tempfile.TemporaryDirectory(prefix="olist-latency-") as tmp:
        folder = Path(tmp)
        csv, landing, home = folder / "csv", folder / "landing", folder / "home"
        generate_dataset(csv, scale=args.scale, seed=42)
        landing.mkdir()
        home.mkdir()
        shutil.copyfile(ROOT / "dagster_instance.yaml", home / "dagster.yaml")  # as make dev does
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "OLIST_LAKE_URL": str(folder / "lake"),
            "OLIST_LANDING_URL": str(landing),
        }
        env["VIRTUAL_ENV"] = str(BIN.parent)
        url = f"http://127.0.0.1:{free_port()}"
        command = [str(BIN / "dg"), "dev", "--target-path", str(ROOT)]
        command += ["--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1]]
        log = (folder / "dagster.log").open("w")
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            definitions = build_definitions(str(folder / "lake"), str(landing))
            every = sorted(definitions.resolve_asset_graph().get_all_asset_keys(), key=str)
            print(f"scale {args.scale}: initial load of {len(CONTRACTS)} files")
            started = time.time()
            for name in sorted(os.listdir(csv)):
                drop(csv / name, landing, name)
            wait_for(url, every, started, "initial load")
            initial = time.time() - started

            key = dg.AssetKey(["raw", args.table])
            affected = downstream(definitions, key)
            print(f"dropping {dropped}: {len(affected)} assets depend on raw/{args.table}")
            dropped_at = drop(csv / contract.file_name, landing, dropped)
            raw = wait_for(url, [key], dropped_at, "raw")
            done = wait_for(url, affected, dropped_at, "downstream")
            run = landing_run(url)
            print(f"measuring the idle CPU of dg dev over {IDLE_SECONDS} s")
            idle = idle_cpu(process.pid)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
            log.close()
            if args.log:
                shutil.copyfile(folder / "dagster.log", args.log)
        direct = baseline(folder, csv, args.table, dropped)

    business = [t for k, t in done.items() if k.startswith("business/")]
    print(f"initial load, 9 files to every asset:   {initial:7.1f} s")
    print(f"drop -> landing run requested (sensor): {run['created'] - dropped_at:7.1f} s")
    print(f"drop -> landing run started (launched): {run['started'] - dropped_at:7.1f} s")
    print(
        f"drop -> raw/{args.table} materialized:  {raw[key.to_user_string()] - dropped_at:7.1f} s"
    )
    print(
        f"drop -> clean/{args.table}:             {done[f'clean/{args.table}'] - dropped_at:7.1f} s"
    )
    print(f"drop -> last business table:           {max(business) - dropped_at:7.1f} s")
    print(
        f"drop -> report:                        {done['report/olist_report'] - dropped_at:7.1f} s"
    )
    event_driven = max(done.values()) - dropped_at
    print(f"baseline, same assets in process:      {direct:7.1f} s")
    print(f"ratio event-driven / in-process:       {event_driven / direct:7.1f} x")
    print(f"idle dg dev, CPU share of one core:    {idle:7.1%}")


if __name__ == "__main__":
    main()
