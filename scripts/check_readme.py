"""Runs the README's Python and TypeScript quick starts against the built
packages, so the README stays true (its Rust example runs as a doctest of
the core crate). Called by scripts/test.sh after the package tests.

    .venv/bin/python scripts/check_readme.py
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def block(readme: str, heading: str, lang: str) -> str:
    match = re.search(rf"### {heading}\n\n```{lang}\n(.*?)```", readme, re.S)
    if not match:
        sys.exit(f"README.md has no ```{lang} block under '### {heading}'")
    return match.group(1)


def main() -> None:
    readme = (ROOT / "README.md").read_text()
    python = subprocess.run([sys.executable, "-c", block(readme, "Python", "python")],
                            capture_output=True, text=True)
    if python.returncode != 0 or '"StartAt": "Submit Job"' not in python.stdout:
        sys.exit(f"the README's Python example failed:\n{python.stdout}\n{python.stderr}")
    with tempfile.TemporaryDirectory(dir=ROOT / "examples") as tmp:
        source = Path(tmp) / "readme.ts"
        source.write_text(block(readme, "TypeScript", "ts"))
        node = ROOT / "bindings-node"
        subprocess.run(["npx", "--no", "--", "tsc", "-p", "../examples/tsconfig.json"], cwd=node, check=True)
        compiled = node / "build" / "examples" / "examples" / Path(tmp).name / "readme.js"
        out = subprocess.run(["node", str(compiled)], capture_output=True, text=True)
        compiled.unlink()
    if out.returncode != 0 or out.stdout != python.stdout:
        sys.exit(f"the README's TypeScript example failed or differs from Python's:\n{out.stdout}\n{out.stderr}")
    print("README quick starts: Python and TypeScript print the same definition")


if __name__ == "__main__":
    main()
