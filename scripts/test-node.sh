#!/usr/bin/env bash
# Builds the Node package (bindings-node) and tests it:
#   1. npm ci (the committed lock file) and `napi build --platform --release`;
#   2. the generated index.d.ts / index.js must not change in the build;
#   3. tsc --strict: the CDK constructs (cdk/*.ts, stepforge/cdk), the TypeScript mirror of every shared test vector, the
#      typings tests (__test__/types: on their own, and with the AWS SDK's),
#      and the examples (into build/examples, for __test__/examples.test.js);
#   4. node --test __test__/ (the loader tests use STEPFORGE_DYNAMODB_ENDPOINT,
#      or start moto with $STEPFORGE_PYTHON or the repository's .venv, which
#      scripts/test.sh makes: without either they fail, saying so);
#   5. packaging: `npm pack` (into bindings-node/), install the tarball in a fresh project, compile
#      TypeScript against the shipped index.d.ts, run it, run `npx stepforge`
#      and `npx load-ddb`.
# Self-contained and idempotent; needs Rust and Node 20 with npm.
#
# Before committing regenerated typings, STEPFORGE_UNCOMMITTED_TYPINGS=1 skips
# the comparison with git (the build must still leave them unchanged).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/bindings-node"
source "$ROOT/scripts/target-dir.sh"
log() { printf '\n==> %s\n' "$*"; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# `npm ci`: exactly the committed lock, never rewriting it (the clone stays
# clean). After changing package.json, refresh the lock with npm 11's
# `npm install` and commit it.
log "Node: npm ci (bindings-node)"
(cd "$PKG" && npm ci --no-audit --no-fund --loglevel=error)

log "Node: napi build --platform --release"
cp "$PKG/index.d.ts" "$WORK/index.d.ts.before" 2>/dev/null || : >"$WORK/index.d.ts.before"
cp "$PKG/index.js" "$WORK/index.js.before" 2>/dev/null || : >"$WORK/index.js.before"
(cd "$PKG" && npx --no -- napi build --platform --release)

log "Node: the generated index.d.ts and index.js are up to date"
for file in index.d.ts index.js; do
  if ! cmp -s "$WORK/$file.before" "$PKG/$file"; then
    diff -u "$WORK/$file.before" "$PKG/$file" | head -40 || true
    echo "bindings-node/$file changed in the build: commit the regenerated file" >&2
    exit 1
  fi
done
if [ "${STEPFORGE_UNCOMMITTED_TYPINGS:-}" = 1 ]; then
  echo "STEPFORGE_UNCOMMITTED_TYPINGS=1: not comparing with git"
elif git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$ROOT" ls-files --error-unmatch bindings-node/index.d.ts bindings-node/index.js >/dev/null
  if ! git -C "$ROOT" diff --exit-code --stat -- bindings-node/index.d.ts bindings-node/index.js; then
    echo "the generated bindings-node/index.d.ts or index.js differ from git: commit them" >&2
    exit 1
  fi
else
  echo "not a git checkout: skipping the comparison with git"
fi

log "Node: tsc --strict (the CDK constructs, vector programs, typings tests)"
rm -rf "$PKG/build"
# stepforge/cdk: cdk/*.ts into cdk/*.js and .d.ts (gitignored; `npm pack` runs it too, as "prepack").
(cd "$PKG" && npx --no -- tsc -p tsconfig.cdk.json)
(cd "$PKG" && npx --no -- tsc -p tsconfig.vectors.json && npx --no -- tsc -p __test__/types/tsconfig.json \
  && npx --no -- tsc -p __test__/types/tsconfig.sdk.json && npx --no -- tsc -p ../examples/tsconfig.json)

log "Node: node --test"
(cd "$PKG" && node --test __test__/)

log "Node: packaging (npm pack, fresh project, tsc against the shipped index.d.ts)"
# The tarball stays in bindings-node/ (gitignored), where the README says.
rm -f "$PKG"/stepforge-*.tgz
TARBALL="$PKG/$(cd "$PKG" && npm pack --silent | tail -n 1)"
CONTENTS="$(tar -tzf "$TARBALL" | sort)"
# The addon built for this platform, named as index.js looks for it.
ADDON="$(node -e '
  const { platform, arch } = process
  const libc = () => (process.report.getReport().header.glibcVersionRuntime ? "gnu" : "musl")
  const abi = platform === "linux" ? `-${libc()}` : platform === "win32" ? "-msvc" : ""
  console.log(`stepforge.${platform}-${arch}${abi}.node`)')"
for file in package/package.json package/index.js package/index.d.ts package/bin/stepforge.js package/bin/load-ddb.js \
  package/bin/quiet-pipe.js package/cdk/index.js package/cdk/index.d.ts package/cdk/semaphore.js "package/$ADDON"; do
  grep -qx "$file" <<<"$CONTENTS" || { echo "$file is missing from the package" >&2; exit 1; }
done
if grep -Eq '^package/(src|__test__|build|node_modules)/|^package/cdk/.*[^d]\.ts$' <<<"$CONTENTS"; then
  echo "the package ships files it should not:" >&2
  grep -E '^package/(src|__test__|build|node_modules)/|^package/cdk/.*[^d]\.ts$' <<<"$CONTENTS" >&2
  exit 1
fi

APP="$WORK/app"
mkdir "$APP"
TYPESCRIPT="$(node -p "require('$PKG/package.json').devDependencies.typescript")"
TYPES_NODE="$(node -p "require('$PKG/package.json').devDependencies['@types/node']")"
cat >"$APP/package.json" <<'EOF'
{ "name": "stepforge-package-check", "version": "1.0.0", "private": true }
EOF
(cd "$APP" && npm install --no-audit --no-fund --loglevel=error "$TARBALL" "typescript@$TYPESCRIPT" "@types/node@$TYPES_NODE")
cat >"$APP/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "types": ["node"],
    "outDir": "out"
  },
  "files": ["main.ts"]
}
EOF
cat >"$APP/main.ts" <<'EOF'
// A user of the published package: build, validate and render a definition.
import {
  Choice,
  Condition,
  JsonPath,
  MarshalError,
  Pass,
  StateMachine,
  Succeed,
  Task,
  ValidationError,
  formatDefinition,
  marshall,
  unmarshall,
  validate,
} from 'stepforge'

const hello = new Pass('Hello', { result: { greeting: 'hi' }, resultPath: '$.hello' })
const work = new Task('Work', {
  resource: 'arn:aws:lambda:us-east-1:123456789012:function:work',
  parameters: { id: JsonPath.stringAt('$.id') },
}).addRetry({ maxAttempts: 2 })
const route = new Choice('Route').when(Condition.isPresent('$.id'), new Succeed('Done')).otherwise(new Succeed('No Id'))
const machine = new StateMachine(hello.next(work).next(route), { timeoutSeconds: 60 })
const text: string = machine.toJson()
if (validate(text).length !== 0 || formatDefinition(JSON.parse(text)) !== text) {
  throw new Error('the rendered definition is not valid and canonical')
}
try {
  new StateMachine(new Pass('Twice').next(new Pass('Twice'))).toJson()
  throw new Error('a duplicate state name was not reported')
} catch (e) {
  if (!(e instanceof ValidationError) || e.code !== 'DUPLICATE_STATE_NAME') throw e
}
const order = { id: 'o1', total: 12345678901234567890123456789012345678n, tags: new Set(['a', 'b']) }
if (JSON.stringify(marshall({ id: 'o1', n: 1 })) !== '{"id":{"S":"o1"},"n":{"N":"1"}}') {
  throw new Error('marshall wrote an unexpected attribute value')
}
if (unmarshall(marshall(order)).total !== order.total) throw new Error('a BigInt did not round-trip')
try {
  marshall({ when: new Date() })
  throw new Error('a Date was marshalled')
} catch (e) {
  if (!(e instanceof MarshalError) || e.pointer !== '/when') throw e
}
console.log(text)
EOF
(cd "$APP" && npx --no -- tsc -p . && node out/main.js >"$WORK/out.json")
grep -q '"id.\$": "\$.id"' "$WORK/out.json"
grep -q '"TimeoutSeconds": 60' "$WORK/out.json"
(cd "$APP" && node --input-type=module -e "import { Pass, StateMachine } from 'stepforge'; console.log(new StateMachine(new Pass('P')).toObject().StartAt)") | grep -qx P
VERSION="$(node -p "require('$PKG/package.json').version")"
(cd "$APP" && npx --no -- stepforge --version) | grep -qx "stepforge $VERSION"
(cd "$APP" && npx --no -- stepforge validate "$WORK/out.json")
(cd "$APP" && npx --no -- load-ddb --version) | grep -qx "load-ddb $VERSION"
(cd "$APP" && npx --no -- load-ddb --help) | grep -q -- '--reject-file'
echo "package check passed: $(basename "$TARBALL")"

log "Node: all tests passed"
