"""Reads runs back with MLflow's own Python client and prints them as JSON (cross-client test).

Usage: python read_back.py RUN_ID...   (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME/PASSWORD from env)
"""
import hashlib
import json
import math
import sys
import tempfile

from mlflow import MlflowClient


def value(v):
    return "NaN" if math.isnan(v) else v


def main(run_ids):
    client = MlflowClient()
    out = {}
    for rid in run_ids:
        run = client.get_run(rid)
        metrics = {}
        for key in sorted(run.data.metrics):
            history = client.get_metric_history(rid, key)
            metrics[key] = [[m.step, value(m.value), m.timestamp] for m in sorted(history, key=lambda m: (m.step, m.timestamp))]
        artifacts = {}

        def walk(path=None):
            for f in client.list_artifacts(rid, path):
                if f.is_dir:
                    walk(f.path)
                    continue
                with tempfile.TemporaryDirectory() as d:
                    with open(client.download_artifacts(rid, f.path, d), "rb") as fh:
                        data = fh.read()
                artifacts[f.path] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

        walk()
        children = client.search_runs(
            [run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{rid}'"
        )
        out[rid] = {
            "name": run.info.run_name,
            "status": run.info.status,
            "start_time": run.info.start_time,
            "end_time": run.info.end_time,
            "params": run.data.params,
            "tags": run.data.tags,
            "parent": run.data.tags.get("mlflow.parentRunId"),
            "children": sorted(c.info.run_id for c in children),
            "metrics": metrics,
            "artifacts": artifacts,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
