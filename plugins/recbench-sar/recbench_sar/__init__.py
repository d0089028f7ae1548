"""SAR for recbench: a model plugin shipped as its own distribution."""
