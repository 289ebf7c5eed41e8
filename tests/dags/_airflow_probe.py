"""Run inside the Airflow test environment (tests/dags/conftest.py sets it up), never imported by pytest.

    python _airflow_probe.py report           -> JSON: DagBag import errors and each DAG's policy facts
    python _airflow_probe.py run DAG_ID [--conf JSON] [--logical-date ISO] [--conn-file PATH] [--no-retries]
                                             -> JSON: the run's state, task instances, XCom results, asset events

Output is the last line of stdout, prefixed with RESULT: (Airflow logs to stdout too).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime


def _dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])


def _timetable(dag) -> dict:
    tt = dag.timetable
    info = {"class": type(tt).__name__, "summary": getattr(tt, "summary", None)}
    expr = getattr(tt, "_expression", None) or getattr(tt, "expression", None)
    if expr is not None:
        info["cron"] = str(expr)
    cond = getattr(tt, "asset_condition", None)
    if cond is not None:
        info["assets"] = sorted(a.uri for a in _walk_assets(cond))
    return info


def _walk_assets(cond):
    from airflow.sdk import Asset

    if isinstance(cond, Asset):
        yield cond
        return
    for obj in getattr(cond, "objects", ()):
        yield from _walk_assets(obj)


def report() -> dict:
    bag = _dagbag()
    dags = {}
    for dag_id, dag in bag.dags.items():
        da = dag.default_args or {}
        dags[dag_id] = {
            "fileloc": dag.fileloc,
            "tags": sorted(dag.tags or []),
            "doc_md": dag.doc_md or "",
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "default_retries": da.get("retries"),
            "default_retry_delay_s": da["retry_delay"].total_seconds() if da.get("retry_delay") else None,
            "timetable": _timetable(dag),
            "params": sorted(dag.params.keys()),
            "tasks": {
                t.task_id: {
                    "retries": t.retries,
                    "mapped": "MappedOperator" in type(t).__name__,
                    "outlets": sorted(o.uri for o in (t.outlets or [])),
                    "upstream": sorted(t.upstream_task_ids),
                }
                for t in dag.tasks
            },
        }
    return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}, "dags": dags}


def run(dag_id: str, conf: dict | None, logical_date: str | None, conn_file: str | None, no_retries: bool) -> dict:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    bag = _dagbag()
    if bag.import_errors:
        return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}}
    dag = bag.get_dag(dag_id)
    if no_retries:  # dag.test() would sleep through retry_delay before giving up on a failing task
        for t in dag.tasks:
            t.retries = 0
    kwargs = {"run_conf": conf or None, "conn_file_path": conn_file}
    if logical_date:
        kwargs["logical_date"] = datetime.fromisoformat(logical_date)
    dr = dag.test(**kwargs)
    out = {"dag_id": dag_id, "run_id": dr.run_id, "state": str(dr.state), "tasks": [], "xcom": {}}
    with create_session() as session:
        for ti in dr.get_task_instances(session=session):
            key = ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"
            out["tasks"].append(
                {
                    "key": key,
                    "task_id": ti.task_id,
                    "map_index": ti.map_index,
                    "state": str(ti.state),
                    "rendered_map_index": ti.rendered_map_index,
                }
            )
            row = session.scalars(
                XComModel.get_many(
                    run_id=dr.run_id, dag_ids=dag_id, task_ids=ti.task_id, map_indexes=ti.map_index, key="return_value"
                )
            ).first()
            if row is not None:
                out["xcom"][key] = XComModel.deserialize_value(row)
        out["asset_events"] = _asset_events(session, dag_id, dr.run_id)
    return out


def _asset_events(session, dag_id: str, run_id: str) -> list[dict]:
    from airflow.models.asset import AssetEvent, AssetModel
    from sqlalchemy import select

    rows = session.execute(
        select(AssetModel.uri, AssetEvent.source_task_id, AssetEvent.source_map_index)
        .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
        .where(AssetEvent.source_dag_id == dag_id, AssetEvent.source_run_id == run_id)
    ).all()
    return [{"uri": r[0], "task_id": r[1], "map_index": r[2]} for r in rows]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("report")
    r = sub.add_parser("run")
    r.add_argument("dag_id")
    r.add_argument("--conf")
    r.add_argument("--logical-date")
    r.add_argument("--conn-file")
    r.add_argument("--no-retries", action="store_true")
    args = ap.parse_args(argv)
    if args.cmd == "report":
        result = report()
    else:
        result = run(
            args.dag_id,
            json.loads(args.conf) if args.conf else None,
            args.logical_date,
            args.conn_file,
            args.no_retries,
        )
    sys.stdout.flush()
    print("RESULT:" + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
