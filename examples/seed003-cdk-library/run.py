"""Seed 003's examples (the CDK library's job poller, if-then-else with
`afterwards()`, fragments reused with `prefix_states()`, and every state
type), built with stepforge from Python, validated and printed.

The programs are the shared test vectors in core/tests/vectors/<name>/program.py,
where the same program in Rust and TypeScript must render the same bytes.

    python run.py [job_poller choice_afterwards fragments_prefix every_state_type]
"""
import importlib.util
import sys
from pathlib import Path

VECTORS = Path(__file__).resolve().parents[2] / "core" / "tests" / "vectors"
SEED_003 = ["job_poller", "choice_afterwards", "fragments_prefix", "every_state_type"]


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"vector_{name}", VECTORS / name / "program.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build()


if __name__ == "__main__":
    for name in sys.argv[1:] or SEED_003:
        machine = load(name)
        problems = machine.validate()
        print(f"== {name}: {'valid' if not problems else problems}")
        print(machine.to_json())
