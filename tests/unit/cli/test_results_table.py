from recbench.cli._table import results_table


def record(name: str, test: dict) -> dict:
    return {"model": {"name": name}, "metrics": {"test": test}, "costs": {"train_seconds": 1.0, "eval_seconds": 0.5}}


def header(table: str) -> list[str]:
    return [cell.strip() for cell in table.splitlines()[0].strip("|").split("|")]


def test_ranking_table_shows_the_selection_cutoff_only():
    table = results_table([record("bpr", {"ndcg@10": 0.3, "ndcg@20": 0.4, "hr@10": 0.7})], "ndcg@10")
    assert header(table) == ["model", "ndcg@10", "hr@10", "train_s", "eval_s"]


def test_click_through_and_rating_tables_show_their_metrics():
    ctr = results_table([record("lr", {"auc": 0.87, "gauc": 0.81, "logloss": 0.35})], "auc")
    assert header(ctr) == ["model", "auc", "gauc", "logloss", "train_s", "eval_s"]
    assert "0.8700" in ctr
    rating = results_table([record("bias", {"rmse": 0.94, "mae": 0.74})], "rmse")
    assert header(rating) == ["model", "rmse", "mae", "train_s", "eval_s"]
