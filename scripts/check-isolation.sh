#!/usr/bin/env bash
# Shows that a second clone on the same machine builds its own code, even
# when the environment points Cargo at this clone's build folder (the shared
# folder that once let a second clone's `cargo test` run the first clone's
# binaries without compiling).
#
# It clones this repository's HEAD into a temporary folder, puts a
# `compile_error!` into the second clone's core, and runs `cargo check` there
# the way the scripts do, with CARGO_TARGET_DIR set to this clone's target/.
# The check must build into the second clone's own target/ and fail on the
# second clone's change. Reusing nothing, it checks the dependencies afresh
# (`cargo check`, no code generation: about a minute on two cores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/stepforge-isolation.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
SECOND="$WORK/second"

git clone --quiet "$ROOT" "$SECOND"
PROBE="isolation probe: compiled from $SECOND"
printf '\ncompile_error!("%s");\n' "$PROBE" >>"$SECOND/core/src/lib.rs"

# What the second clone's scripts choose, with this clone's folder inherited.
TARGET="$(CARGO_TARGET_DIR="$ROOT/target" bash "$SECOND/scripts/target-dir.sh" 2>/dev/null)"
if [ "$TARGET" != "$SECOND/target" ]; then
  echo "the second clone would build in $TARGET, not in its own target/" >&2
  exit 1
fi

if (cd "$SECOND" && CARGO_TARGET_DIR="$ROOT/target" && source scripts/target-dir.sh \
  && cargo check -q -p stepforge --lib --no-default-features) >"$WORK/check.log" 2>&1; then
  echo "cargo check in the second clone passed: it did not compile the second clone's core" >&2
  exit 1
fi
if ! grep -qF "$PROBE" "$WORK/check.log"; then
  echo "cargo check in the second clone failed, but not on its own change:" >&2
  tail -20 "$WORK/check.log" >&2
  exit 1
fi
[ -d "$SECOND/target/debug" ] || { echo "nothing was built in $SECOND/target" >&2; exit 1; }
echo "isolation: a second clone builds its own code in its own target/"
