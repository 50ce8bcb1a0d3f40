#!/usr/bin/env bash
# Where Cargo builds this clone. Sourced, it exports CARGO_TARGET_DIR; run, it
# prints it (for bench/load.py).
#
# The default is the clone's own `target/`. Cargo decides whether a build is
# fresh from paths relative to the workspace and from times, so one target
# folder shared by two clones can pass one clone's binaries off as the other's
# (a second clone's `cargo test` then runs the first clone's code). Hence:
#   - an inherited CARGO_TARGET_DIR is honoured only inside this clone;
#   - STEPFORGE_TARGET_ROOT=/fast/disk opts in to building outside the clone,
#     in a subfolder named after this clone's absolute path, so two clones
#     never share one;
#   - to reuse compiled dependencies across clones, use a cache keyed by
#     content, e.g. RUSTC_WRAPPER=sccache (Cargo honours it by itself).
stepforge_target_dir() {
  local root="$1" target
  if [ -n "${STEPFORGE_TARGET_ROOT:-}" ]; then
    target="$STEPFORGE_TARGET_ROOT/$(basename "$root")-$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
  else
    target="$root/target"
    case "${CARGO_TARGET_DIR:-}" in
      "" | "$root" | "$root"/*) target="${CARGO_TARGET_DIR:-$target}" ;;
      *) echo "note: ignoring CARGO_TARGET_DIR=$CARGO_TARGET_DIR (outside this clone, it could hold another" \
        "checkout's builds); building in $target (STEPFORGE_TARGET_ROOT opts in to a folder outside)" >&2 ;;
    esac
  fi
  printf '%s\n' "$target"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  stepforge_target_dir "$(cd "$(dirname "$0")/.." && pwd)"
else
  CARGO_TARGET_DIR="$(stepforge_target_dir "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)")"
  export CARGO_TARGET_DIR
  mkdir -p "$CARGO_TARGET_DIR"
fi
