#!/usr/bin/env node
// stepforge.marshall/unmarshall (Node) against @aws-sdk/util-dynamodb's, on the
// same items, in one run.
//
//   node bench/marshall-node.js [--items 100000] [--runs 5] [--rounds 3]
//
// Run from the repository after `bash scripts/test-node.sh` (or `cd bindings-node
// && npm install && npx napi build --platform --release`): it loads the package
// in bindings-node/ and @aws-sdk/util-dynamodb from its node_modules (a pinned
// devDependency). Makes --items varied items (strings, integers, floats, nested
// objects and arrays, booleans, null; every 10th item also a Uint8Array and
// Sets of strings and numbers), checks that both libraries produce the same
// attribute values, then times, median of --runs (after one warm-up run each):
//
//   marshall     stepforge.marshall(item)   vs  util.marshall(item)
//   unmarshall   stepforge.unmarshall(av)   vs  util.unmarshall(av)
//
// Both unmarshall the same input (util-dynamodb's output). Garbage collection is
// left on: making the objects is part of the work. Each (library, function) pair
// is timed in a process of its own, the pairs taking turns --rounds times: in one
// process the library timed second runs on a heap and on objects whose hidden
// classes the first has already warmed (util-dynamodb's unmarshall runs about 2x
// faster after stepforge's than before it), so one process would time the order,
// not the libraries. Prints the median over rounds of each pair's median run, and
// ratios; the numbers go in bench/RESULTS.md.
'use strict'

const assert = require('node:assert/strict')
const path = require('node:path')
const os = require('node:os')

const PKG = path.join(__dirname, '..', 'bindings-node')
const stepforge = require(PKG)
const util = require(require.resolve('@aws-sdk/util-dynamodb', { paths: [PKG] }))

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const ITEMS = option('items', 100_000)
const RUNS = option('runs', 5)

/** A small deterministic generator (mulberry32), so every run times the same items. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function makeItems(n) {
  const rand = random(4)
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo))
  const pick = (xs) => xs[int(0, xs.length)]
  const names = ['Ada Lovelace', 'Grace Hopper', 'Édouard Lucas', '李小龙', "O'Brien"]
  const items = []
  for (let i = 0; i < n; i++) {
    const item = {
      id: `order-${String(i).padStart(8, '0')}`,
      customer: pick(names),
      quantity: int(1, 1000),
      total_cents: int(-1e12, 1e12),
      price: Math.round(rand() * 500000) / 100,
      weight: rand() * 100,
      active: i % 3 === 0,
      note: null,
      tags: ['new', 'priority', String(i % 7)],
      lines: Array.from({ length: int(1, 4) }, () => ({
        sku: `SKU-${int(0, 1e5)}`,
        qty: int(1, 5),
        unit: 9.99,
      })),
      shipping: {
        address: { street: `${i} Main St`, city: 'Springfield', zip: int(0, 1e5) },
        express: rand() < 0.5,
        eta_days: int(1, 10),
      },
    }
    if (i % 10 === 0) {
      item.thumbnail = Uint8Array.from({ length: 32 }, (_, k) => (i + k) & 0xff)
      item.labels = new Set(['a', 'b', `c${i % 5}`])
      item.scores = new Set([1, 2.5, i % 100])
    }
    items.push(item)
  }
  return items
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** Milliseconds for `fn` over every input, median of RUNS (after a warm-up). */
function time(fn, inputs) {
  let sink = 0
  const once = () => {
    const start = process.hrtime.bigint()
    for (const x of inputs) sink += fn(x) === undefined ? 0 : 1
    return Number(process.hrtime.bigint() - start) / 1e6
  }
  once()
  const runs = Array.from({ length: RUNS }, once)
  if (sink === 0) throw new Error('nothing was converted')
  return median(runs)
}

const items = makeItems(ITEMS)
const marshalled = items.map((item) => util.marshall(item))

// Same output first (in the parent only, so that no timed process has run the
// other library): our marshall equals theirs, and unmarshall round-trips.
if (!process.argv.includes('--child')) {
  for (let i = 0; i < items.length; i += 97) {
    assert.deepStrictEqual(stepforge.marshall(items[i]), marshalled[i])
    assert.deepStrictEqual(stepforge.unmarshall(marshalled[i]), util.unmarshall(marshalled[i]))
  }
}

// `stepforge.marshall` is the JavaScript fast path in front of the native
// function (bindings-node/src/fast_path.js); the `(native)` rows time the
// native functions alone, as every item the fast path defers is converted.
const native = stepforge.__native
const CASES = {
  'stepforge.marshall': [(x) => stepforge.marshall(x), 'items'],
  'native.marshall': [(x) => native.marshall(x), 'items'],
  'util.marshall': [(x) => util.marshall(x), 'items'],
  'stepforge.unmarshall': [(x) => stepforge.unmarshall(x), 'marshalled'],
  'native.unmarshall': [(x) => native.unmarshall(x), 'marshalled'],
  'util.unmarshall': [(x) => util.unmarshall(x), 'marshalled'],
}

const child = process.argv.indexOf('--child')
if (child > 0) {
  // One pair, in this process alone: print its time for the parent.
  const [fn, inputs] = CASES[process.argv[child + 1]]
  process.stdout.write(String(time(fn, inputs === 'items' ? items : marshalled)))
  process.exit(0)
}

const { execFileSync } = require('node:child_process')
const ROUNDS = option('rounds', 3)
const times = Object.fromEntries(Object.keys(CASES).map((name) => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(CASES)) {
    const args = [__filename, '--child', name, '--items', String(ITEMS), '--runs', String(RUNS)]
    times[name].push(Number(execFileSync(process.execPath, args, { encoding: 'utf8' })))
  }
}
const t = (name) => median(times[name])
const rows = [
  ['marshall', t('stepforge.marshall'), t('util.marshall')],
  ['  (native)', t('native.marshall'), t('util.marshall')],
  ['unmarshall', t('stepforge.unmarshall'), t('util.unmarshall')],
  ['  (native)', t('native.unmarshall'), t('util.unmarshall')],
]

console.log(
  `${ITEMS} items, median over ${ROUNDS} rounds of the median of ${RUNS} runs, each pair in its own process; ` +
    `Node ${process.version}, ${os.cpus()[0].model.trim()} (${os.cpus().length} CPUs)`,
)
console.log(`stepforge ${stepforge.version()}, @aws-sdk/util-dynamodb ${require(require.resolve('@aws-sdk/util-dynamodb/package.json', { paths: [PKG] })).version}`)
console.log('')
console.log('             stepforge   util-dynamodb   speed-up')
for (const [name, ours, theirs] of rows) {
  console.log(
    `${name.padEnd(12)} ${ours.toFixed(0).padStart(7)} ms ${theirs.toFixed(0).padStart(12)} ms ${(theirs / ours).toFixed(2).padStart(9)}x`,
  )
}
