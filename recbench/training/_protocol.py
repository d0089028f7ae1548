"""From a protocol config to the split it evaluates on, with the dataset's own files where it names them."""

from __future__ import annotations

from omegaconf import DictConfig, OmegaConf

from recbench.data import Interactions
from recbench.data._fetch import locate, resolve_cache_dir, resolve_data_dir
from recbench.errors import RecbenchError
from recbench.metrics import CTRMetric, RatingMetric, metric_key
from recbench.plugins import get_registry
from recbench.splitting import Split, cached_split

MODES = ("full", "sampled")


# What a model of each task is evaluated on; sequential models are ranked like ranking models.
EVALUATED_AS = {"ranking": "ranking", "sequential": "ranking", "rating": "rating", "ctr": "ctr"}
EXAMPLE_PROTOCOLS = {"ranking": "ratio-811-full", "rating": "ratio-91-rating or ml100k-5fold-rating", "ctr": "ctr-811"}


def protocol_task(protocol: DictConfig) -> str:
    """What ``protocol`` evaluates, read from its metrics: "rating" (RMSE, MAE), "ctr" (AUC, GAUC, LogLoss) or "ranking" (metric@k)."""
    registry = get_registry()
    kinds = {_metric_task(registry.metric(name)) for name in protocol.metrics}
    if len(kinds) != 1:
        named = sorted(kinds, key=["rating", "ctr", "ranking"].index)
        problem = "lists no metrics" if not kinds else "mixes " + " with ".join(f"{kind} metrics" for kind in named)
        raise RecbenchError(f"protocol '{protocol.id}' {problem}; a protocol evaluates either rankings, ratings or click probabilities")
    return kinds.pop()


def _metric_task(metric) -> str:
    return "rating" if isinstance(metric, RatingMetric) else "ctr" if isinstance(metric, CTRMetric) else "ranking"


def check_protocol(protocol: DictConfig, task: str | None = None, model: str | None = None) -> None:
    """Reject a protocol whose parts contradict each other, or that cannot evaluate a ``task`` model, before any data is read."""
    registry = get_registry()
    for name in protocol.metrics:
        registry.metric(name)  # an unknown name fails here, listing the installed metrics
    evaluates = protocol_task(protocol)
    if task is not None and EVALUATED_AS.get(task, task) != evaluates:
        _refuse_task(protocol, evaluates, task, model)
    if protocol.get("ctr") is not None and evaluates != "ctr":
        raise RecbenchError(f"protocol '{protocol.id}' has a ctr section, which only click-through protocols (metrics auc, gauc, logloss) read; remove it")
    if evaluates == "rating":
        _check_rating_protocol(protocol)
        return
    if evaluates == "ctr":
        _check_ctr_protocol(protocol)
        return
    if not protocol.cutoffs or min(protocol.cutoffs) < 1:  # the schema already makes them integers
        raise RecbenchError(f"protocol.cutoffs={list(protocol.cutoffs)}: the cutoffs k of metric@k must be one or more whole numbers, each at least 1, e.g. protocol.cutoffs=[5,10,20]")
    computed = [metric_key(name, k) for name in protocol.metrics for k in protocol.cutoffs]
    if protocol.valid_metric not in computed:
        raise RecbenchError(f"protocol.valid_metric='{protocol.valid_metric}' is not computed; choose one of {computed}")
    if protocol.mode not in MODES:
        raise RecbenchError(f"protocol.mode='{protocol.mode}' is not a mode; use full or sampled")
    sampled = protocol.candidates.count > 0 or protocol.candidates.strategy == "external"
    if protocol.mode == "full" and sampled:
        raise RecbenchError(
            f"protocol '{protocol.id}' ranks all items (mode=full) but asks for {protocol.candidates.count} sampled "
            "candidates; set mode=sampled (a separate protocol id) or candidates.count=0"
        )
    if protocol.mode == "sampled" and not sampled:
        raise RecbenchError(f"protocol '{protocol.id}' is sampled but candidates.count is 0; set a number of negatives")


def _refuse_task(protocol: DictConfig, evaluates: str, task: str, model: str | None) -> None:
    what = {"rating": "scores predicted ratings", "ranking": "scores rankings of items", "ctr": "scores click probabilities"}[evaluates]
    wanted = EVALUATED_AS.get(task, task)
    fix = f"use a {wanted} protocol" + (f" (e.g. protocol={EXAMPLE_PROTOCOLS[wanted]})" if wanted in EXAMPLE_PROTOCOLS else "")
    registry = get_registry()
    fitting = [name for name in registry.names("models") if EVALUATED_AS.get(registry.model(name).tags.task) == evaluates]
    if fitting:
        fix += f", or a model this protocol evaluates: {', '.join(fitting)}"
    raise RecbenchError(f"model '{model}' is a {task} model, and protocol '{protocol.id}' {what} ({', '.join(protocol.metrics)}); {fix}")


def _check_pointwise_protocol(protocol: DictConfig, metrics_kind: str, held_out: str) -> None:
    """Rating and CTR protocols predict every held-out pair: no cutoffs, no sampled candidates."""
    if protocol.valid_metric not in protocol.metrics:
        raise RecbenchError(
            f"protocol.valid_metric='{protocol.valid_metric}' is not computed; choose one of {list(protocol.metrics)} "
            f"({metrics_kind} metrics have no @k cutoff)"
        )
    if protocol.mode != "full" or protocol.candidates.count > 0 or protocol.candidates.strategy == "external":
        raise RecbenchError(
            f"protocol '{protocol.id}' predicts every held-out {held_out}; sampled candidates mean nothing there: "
            "set mode=full and candidates.count=0"
        )


def _check_rating_protocol(protocol: DictConfig) -> None:
    _check_pointwise_protocol(protocol, "rating", "rating")


def _check_ctr_protocol(protocol: DictConfig) -> None:
    _check_pointwise_protocol(protocol, "click-through", "impression")
    if protocol.get("ctr") is None:
        raise RecbenchError(
            f"protocol '{protocol.id}' evaluates click probabilities but has no ctr section saying what a rating of 3 is; "
            "add ctr: {rating_3: drop} (or negative)"
        )
    if protocol.ctr.rating_3 not in ("drop", "negative"):
        raise RecbenchError(f"protocol.ctr.rating_3='{protocol.ctr.rating_3}' is not a policy; use drop or negative")


def metric_sources(protocol: DictConfig) -> dict[str, str]:
    """Which distribution and version supplied each metric, with the metric's own version."""
    registry = get_registry()
    sources = {}
    for name in protocol.metrics:
        info = registry.info("metrics", name)
        sources[name] = f"{info.distribution} {info.version} (definition v{info.spec.version})"
    return sources


def lower_is_better(protocol: DictConfig) -> list[str]:
    """The protocol's metrics that are better when lower (errors, losses), for the record."""
    registry = get_registry()
    return [name for name in protocol.metrics if not registry.metric(name).higher_is_better]


def describe(protocol: DictConfig) -> str:
    """One plain line saying what the numbers are ranked against (or, for ratings, what is predicted)."""
    task = protocol_task(protocol)
    if task == "ctr":
        three = "dropped" if protocol.ctr.rating_3 == "drop" else "a non-click"
        return (
            f"{protocol.id}@{protocol.version}: click-through prediction: {', '.join(protocol.metrics)} over every held-out "
            f"impression (click = rating >= 4, rating 3 {three}), AUC exact over the whole stage"
        )
    if task == "rating":
        return (
            f"{protocol.id}@{protocol.version}: rating prediction: {', '.join(protocol.metrics)} over every held-out "
            "rating, predictions clipped to the training rating scale"
        )
    if protocol.mode == "full":
        return f"{protocol.id}@{protocol.version}: full ranking over every item the user has not seen"
    source = "the dataset's own candidate file" if protocol.candidates.strategy == "external" else f"{protocol.candidates.strategy} sampling"
    return (
        f"{protocol.id}@{protocol.version}: SAMPLED ranking against {protocol.candidates.count} negatives per user "
        f"({source}); not comparable with full-ranking numbers"
    )


def protocol_split(data: Interactions, dataset_spec, protocol: DictConfig, cfg: DictConfig) -> Split:
    """The split ``protocol`` defines on ``data``, reading predefined splits and candidates from the dataset's folder."""
    options = OmegaConf.to_container(protocol.split, resolve=True)
    candidates = OmegaConf.to_container(protocol.candidates, resolve=True)
    predefined = external = None
    if options["kind"] == "predefined" or candidates["strategy"] == "external":
        name = options.get("name")
        folder = locate(dataset_spec, resolve_data_dir(cfg.data_dir), resolve_cache_dir(cfg.cache_dir), cfg.download)
        if options["kind"] == "predefined":
            if name not in dataset_spec.splits:
                have = ", ".join(dataset_spec.splits) or "none"
                raise RecbenchError(
                    f"protocol '{protocol.id}' uses the predefined split '{name}', which dataset '{data.name}' "
                    f"does not ship (its splits: {have}); choose a dataset that has it or another protocol"
                )
            predefined = dataset_spec.load_split(name)(folder)
        if candidates["strategy"] == "external":
            if name not in dataset_spec.candidates:
                raise RecbenchError(
                    f"protocol '{protocol.id}' ranks against the dataset's own candidate file '{name}', which dataset "
                    f"'{data.name}' does not ship; use candidates.strategy=uniform or another dataset"
                )
            external = dataset_spec.load_candidates(name)(folder)
    split = cached_split(
        data,
        options,
        candidates if protocol.mode == "sampled" else None,
        resolve_cache_dir(cfg.cache_dir),
        timestamps=dataset_spec.timestamps,
        predefined=predefined,
        external_candidates=external,
    )
    if protocol_task(protocol) == "ctr":  # labels from ratings, side features encoded; both enter the split fingerprint
        from recbench.training._ctr import impressions

        return impressions(split, data, protocol.ctr)
    return split
