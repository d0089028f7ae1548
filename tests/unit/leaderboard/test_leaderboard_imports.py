"""The leaderboard reads records only: it never imports models, training, torch or the CLI."""

import subprocess
import sys


def test_importing_and_building_pulls_in_no_model_training_or_cli_code():
    code = (
        "import sys, recbench.leaderboard, recbench.leaderboard._build;"
        "bad = sorted(m for m in sys.modules if m == 'torch' or m.startswith(('recbench.models', 'recbench.training', 'recbench.cli', 'recbench.evaluation')));"
        "print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
