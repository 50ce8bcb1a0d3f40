"""A state machine in a few lines, for the demo: its states with their types and
transitions, nested scopes indented, and a Mermaid flowchart of it written
beside the definition (`X.asl.json` -> `X.mmd`, which GitHub and
mermaid.live render).

    python scripts/asl_summary.py TITLE DEFINITION.asl.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def transitions(state: dict) -> list[tuple[str, str]]:
    """(label, target) for each way out of a state, in ASL order."""
    out = []
    out += [(f"when {i + 1}", rule["Next"]) for i, rule in enumerate(state.get("Choices", []))]
    if "Default" in state:
        out.append(("otherwise", state["Default"]))
    out += [(f"catch {'/'.join(c.get('ErrorEquals', []))}", c["Next"]) for c in state.get("Catch", [])]
    return out


def scopes(state: dict) -> list[tuple[str, dict]]:
    """The nested scopes of a Parallel (branches) or Map (item processor)."""
    if state["Type"] == "Parallel":
        return [(f"branch {i + 1}", b) for i, b in enumerate(state.get("Branches", []))]
    processor = state.get("ItemProcessor") or state.get("Iterator")
    return [("each item", processor)] if processor else []


def walk(graph: dict, depth: int, lines: list[str], edges: list[str], types: Counter) -> None:
    for name, state in graph["States"].items():
        types[state["Type"]] += 1
        outs = transitions(state)
        if "Next" in state:
            first = f" -> {state['Next']}"
        elif state.get("End") or state["Type"] in ("Succeed", "Fail"):
            first = " ends"
        else:
            first = ""
        rest = ", ".join(f"{label} -> {target}" for label, target in outs)
        lines.append(f"{'  ' * depth}{name} ({state['Type']}){first}{', ' if first and rest else ' ' if rest else ''}{rest}")
        for label, target in ([("", state["Next"])] if "Next" in state else []) + outs:
            edges.append(f"  {node(name)} -->{'|' + label + '|' if label else ''} {node(target)}")
        for label, inner in scopes(state):
            lines.append(f"{'  ' * (depth + 1)}[{label}] starts at {inner['StartAt']}")
            edges.append(f"  {node(name)} -.->|{label}| {node(inner['StartAt'])}")
            walk(inner, depth + 2, lines, edges, types)


IDS: dict[str, str] = {}


def node(name: str) -> str:
    """A Mermaid node: an id safe for any name (numbered in order of
    appearance, so the file is the same on every run), labelled with the name."""
    ident = IDS.setdefault(name, f"s{len(IDS)}")
    return f"{ident}[\"{name.replace(chr(34), '#quot;')}\"]"


def main() -> None:
    title, path = sys.argv[1], Path(sys.argv[2])
    definition = json.loads(path.read_text())
    lines: list[str] = []
    edges: list[str] = []
    types: Counter = Counter()
    walk(definition, 1, lines, edges, types)
    mermaid = path.with_name(path.name.removesuffix(".asl.json") + ".mmd")
    mermaid.write_text("flowchart TD\n" + "\n".join(dict.fromkeys(edges)) + "\n")
    kinds = ", ".join(f"{n} {t}" for t, n in types.most_common())
    print(f"{title}: {sum(types.values())} states ({kinds}), starts at {definition['StartAt']}")
    print("\n".join(lines))
    print(f"  full JSON: {path} ({path.stat().st_size} bytes); diagram: {mermaid}")


if __name__ == "__main__":
    main()
