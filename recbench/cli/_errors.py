from __future__ import annotations

import contextlib
import sys

from recbench.errors import RecbenchError


@contextlib.contextmanager
def user_errors():
    """Print a RecbenchError as one message (no traceback) and exit with status 2."""
    try:
        yield
    except RecbenchError as exc:
        print(f"recbench: error: {exc}", file=sys.stderr)
        sys.exit(2)


def check_protocol_section_overrides(argv: list[str], config_name: str) -> None:
    """Refuse overrides inside ``protocol.ctr`` when the chosen protocol has no such section.

    Hydra cannot set a key inside a node that the composed config leaves null, and fails
    with an internal assertion; this says what is wrong before it tries.
    """
    keys = [word.split("=", 1)[0].lstrip("+~") for word in argv if "=" in word and not word.startswith("-")]
    inside = [key for key in keys if key == "protocol.ctr" or key.startswith("protocol.ctr.")]
    if not inside:
        return
    from hydra import compose, initialize_config_module
    from hydra.core.global_hydra import GlobalHydra

    chosen = [word for word in argv if word.split("=", 1)[0].lstrip("+") == "protocol"]
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module="recbench.conf", version_base="1.3"):
            protocol = compose(config_name=config_name, overrides=chosen).protocol
    except Exception:  # a sweep over protocols, an unknown one: Hydra's own message follows
        return
    finally:
        GlobalHydra.instance().clear()
    if protocol.get("ctr") is None:
        raise RecbenchError(
            f"{inside[0]}: protocol '{protocol.id}' has no ctr section, which only click-through protocols carry; "
            "choose one (protocol=ctr-811 and then protocol.ctr.rating_3=...), or copy conf/protocol/ctr-811.yaml "
            "into your config folder and change its split"
        )
