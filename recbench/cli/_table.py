from __future__ import annotations

import pandas as pd


def results_table(records: list[dict], valid_metric: str) -> str:
    """Model x test metrics at the selection cutoff (and those without one: auc, rmse, ...), plus costs, as a Markdown table."""
    if not records:
        return "(no results)"
    cutoff = valid_metric.partition("@")[2]

    def shown(metric: str) -> bool:
        return "@" not in metric or (bool(cutoff) and metric.endswith(f"@{cutoff}"))

    rows = []
    for record in records:
        method = record.get("compression", {}).get("method", "none")
        row = {"model": record["model"]["name"] + ("" if method == "none" else f" [{method}]")}
        row.update({k: v for k, v in record["metrics"]["test"].items() if shown(k)})
        row["train_s"] = record["costs"]["train_seconds"]
        row["eval_s"] = record["costs"]["eval_seconds"]
        if "model_size_bytes" in record["costs"]:
            row["size_MB"] = record["costs"]["model_size_bytes"] / 2**20
            row["score_ms_1k_users"] = record["costs"]["scoring_ms_per_1000_users"]
        rows.append(row)
    return pd.DataFrame(rows).to_markdown(index=False, floatfmt=".4f")
