"""Runs the README's Python and TypeScript quick starts against the built
packages, so the README stays true (its Rust example runs as a doctest of
the core crate), and checks that the READMEs point only at files inside the
repository. Called by scripts/test.sh after the package tests.

    .venv/bin/python scripts/check_readme.py
"""
import json
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


def check_links() -> None:
    """Every relative link, and every `../…` path in backticks, of the READMEs
    names a file or folder of the repository (a clone has nothing beside it)."""
    for readme in [ROOT / "README.md", *ROOT.glob("*/README.md")]:
        text = readme.read_text()
        targets = re.findall(r"\]\(([^)#\s]+)", text) + re.findall(r"`(\.\./[^`\s]*)`", text)
        for target in targets:
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path = (readme.parent / target).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                sys.exit(f"{readme.relative_to(ROOT)} points at {target}, which is not in the repository")


def main() -> None:
    check_links()
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
    newcomer(block(readme, "TypeScript", "ts"), python.stdout)
    print("README quick starts: Python and TypeScript print the same definition, also in a new npm project")
    run_locally(readme)


def run_locally(readme: str) -> None:
    """The "Run locally" examples: Python and TypeScript run the same
    execution on the local executor and print the same line."""
    def code(heading: str, lang: str) -> str:
        match = re.search(rf"### {heading}\n\n[^#]*?```{lang}\n(.*?)```", readme, re.S)
        if not match:
            sys.exit(f"README.md has no ```{lang} block under '### {heading}'")
        return match.group(1)

    python = subprocess.run([sys.executable, "-c", code("From Python", "python")],
                            capture_output=True, text=True)
    if python.returncode != 0 or not python.stdout.startswith("SUCCEEDED"):
        sys.exit(f"the README's Run locally Python example failed:\n{python.stdout}\n{python.stderr}")
    with tempfile.TemporaryDirectory(dir=ROOT / "examples") as tmp:
        (Path(tmp) / "run_locally.ts").write_text(code("From TypeScript", "ts"))
        node = ROOT / "bindings-node"
        subprocess.run(["npx", "--no", "--", "tsc", "-p", "../examples/tsconfig.json"], cwd=node, check=True)
        compiled = node / "build" / "examples" / "examples" / Path(tmp).name / "run_locally.js"
        out = subprocess.run(["node", str(compiled)], capture_output=True, text=True)
        compiled.unlink()
    if out.returncode != 0 or out.stdout != python.stdout:
        sys.exit(f"the README's Run locally TypeScript example failed or differs from Python's:\n{out.stdout}\n{out.stderr}")
    print(f"README Run locally: Python and TypeScript print {python.stdout.strip()!r}")
    explore(readme)


def explore(readme: str) -> None:
    """The Explore examples: Python and TypeScript find the same broken
    invariant with the same schedule and timeline, and print the same lines."""
    def code(heading: str, lang: str) -> str:
        match = re.search(rf"### {heading}\n\n[^#]*?```{lang}\n(.*?)```", readme, re.S)
        if not match:
            sys.exit(f"README.md has no ```{lang} block under '### {heading}'")
        return match.group(1)

    python = subprocess.run([sys.executable, "-c", code("Explore from Python", "python")],
                            capture_output=True, text=True)
    if python.returncode != 0 or not python.stdout.startswith("counted once each: the counter is 4; replay "):
        sys.exit(f"the README's Explore Python example failed:\n{python.stdout}\n{python.stderr}")
    with tempfile.TemporaryDirectory(dir=ROOT / "examples") as tmp:
        (Path(tmp) / "explore.ts").write_text(code("Explore from TypeScript", "ts"))
        node = ROOT / "bindings-node"
        subprocess.run(["npx", "--no", "--", "tsc", "-p", "../examples/tsconfig.json"], cwd=node, check=True)
        compiled = node / "build" / "examples" / "examples" / Path(tmp).name / "explore.js"
        out = subprocess.run(["node", str(compiled)], capture_output=True, text=True)
        compiled.unlink()
    if out.returncode != 0 or out.stdout != python.stdout:
        sys.exit(f"the README's Explore TypeScript example failed or differs from Python's:\n{out.stdout}\n{out.stderr}")
    print(f"README Explore: Python and TypeScript print {python.stdout.splitlines()[0]!r} and the same timeline")


def newcomer(source: str, expected: str) -> None:
    """The TypeScript quick start as a newcomer runs it: `npm init -y`, the
    module setting the README gives, the packed package and TypeScript
    installed, `tsc main.ts`, `node main.js`."""
    node = ROOT / "bindings-node"
    tarball = node / f"stepforge-{json.loads((node / 'package.json').read_text())['version']}.tgz"
    typescript = json.loads((node / "package.json").read_text())["devDependencies"]["typescript"]
    with tempfile.TemporaryDirectory() as tmp:
        def run(*args: str) -> str:
            done = subprocess.run(args, cwd=tmp, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"the README's TypeScript steps failed at {' '.join(args)}:\n{done.stdout}\n{done.stderr}")
            return done.stdout

        run("npm", "init", "-y")
        run("npm", "pkg", "set", "type=module")
        run("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", str(tarball), f"typescript@{typescript}")
        (Path(tmp) / "main.ts").write_text(source)
        run("npx", "--no", "--", "tsc", "main.ts")
        if run("node", "main.js") != expected:
            sys.exit("the README's TypeScript example printed something else in a new npm project")


if __name__ == "__main__":
    main()
