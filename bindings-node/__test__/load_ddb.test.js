'use strict'
// loadDdb and `npx load-ddb` against a real DynamoDB-compatible server (moto)
// on 127.0.0.1: STEPFORGE_DYNAMODB_ENDPOINT when set (scripts/test.sh starts
// one for every suite), else one started here with $STEPFORGE_PYTHON (default:
// the repository's .venv) and stopped at the end. Tables are made and read
// back with the AWS SDK for JavaScript v3.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')

const { startDynamo } = require('./dynamo_server')

const {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} = require('@aws-sdk/client-dynamodb')

const { sf } = require('./helpers')

const ROOT = path.join(__dirname, '..', '..')
const BIN = path.join(__dirname, '..', 'bin', 'load-ddb.js')
const SEED = path.join(ROOT, 'examples', 'seed004-map-over-dynamodb')
const DTS = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')

let endpoint
let server
let client
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stepforge-load-ddb-'))

test.before(async () => {
  server = await startDynamo()
  endpoint = server.endpoint
  client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION })
})

test.after(() => {
  client?.destroy()
  server?.stop()
  fs.rmSync(scratch, { recursive: true, force: true })
})

let tables = 0
/** A fresh table keyed by `key` (a string partition key, and a number sort key if given). */
async function table(key = 'id', sort) {
  const name = `node-${process.pid}-${++tables}`
  const keys = [{ AttributeName: key, KeyType: 'HASH' }]
  const attributes = [{ AttributeName: key, AttributeType: 'S' }]
  if (sort) {
    keys.push({ AttributeName: sort, KeyType: 'RANGE' })
    attributes.push({ AttributeName: sort, AttributeType: 'N' })
  }
  await client.send(
    new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', KeySchema: keys, AttributeDefinitions: attributes }),
  )
  return name
}

/** Every item of a table, unmarshalled, sorted by `id`. */
async function scan(name) {
  const items = []
  let start
  do {
    const out = await client.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }))
    items.push(...out.Items.map((item) => sf.unmarshall(item)))
    start = out.LastEvaluatedKey
  } while (start)
  return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** The keys of `export interface <name> { … }` in index.d.ts. */
function interfaceKeys(name) {
  const match = DTS.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`))
  assert.ok(match, `index.d.ts has no interface ${name}`)
  return [...match[1].matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1])
}

/** Runs `node bin/load-ddb.js …` (what `npx load-ddb` runs). */
function loadDdbCommand(args) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const EXACT = [
  {
    id: 'a',
    big: 12345678901234567890123456789012345678n,
    negative: -98765432109876543210987654321098765432n,
    bytes: new Uint8Array([0, 1, 2, 254, 255]),
    tags: new Set(['red', 'green']),
    scores: new Set([1, 2.5, 12345678901234567890n]),
    blobs: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
    nested: { list: [1, 'two', { three: [true, null] }], empty: {} },
    pi: new sf.DynamoNumber('3.1415926535897932384626433832795028841'),
  },
  { id: 'b', n: 1, f: 0.1, s: 'héllo 李', ok: false, none: null },
]

test('in-memory items keep BigInts, Uint8Arrays, Sets and exact decimals', async () => {
  const name = await table()
  const summary = await sf.loadDdb(name, EXACT, { endpointUrl: endpoint })
  assert.equal(summary.succeeded, true)
  assert.equal(summary.read, 2)
  assert.equal(summary.written, 2)
  assert.equal(summary.rejected, 0)
  const get = async (id) => (await client.send(new GetItemCommand({ TableName: name, Key: { id: { S: id } } }))).Item
  // 38 significant digits: not a JavaScript number, so a DynamoNumber with the exact text.
  assert.deepStrictEqual(sf.unmarshall(await get('a')), EXACT[0])
  assert.ok(sf.unmarshall(await get('a')).pi instanceof sf.DynamoNumber)
  assert.deepStrictEqual(sf.unmarshall(await get('b')), EXACT[1])
})

test('marshall output goes straight to the AWS SDK, and unmarshall reads what it returns', async () => {
  const name = await table()
  const { pi, ...item } = EXACT[0]
  await client.send(new PutItemCommand({ TableName: name, Item: sf.marshall(item) }))
  const out = await client.send(new GetItemCommand({ TableName: name, Key: sf.marshall({ id: 'a' }) }))
  assert.deepStrictEqual(sf.unmarshall(out.Item), item)
  // Attribute values as items, with inputFormat 'dynamodb'.
  const other = await table()
  const summary = await sf.loadDdb(other, [sf.marshall(item)], { endpointUrl: endpoint, inputFormat: 'dynamodb' })
  assert.equal(summary.written, 1)
  assert.deepStrictEqual(await scan(other), [item])
})

test('a JSON Lines file is loaded as the command loads it', async () => {
  const name = await table()
  const file = path.join(scratch, 'orders.jsonl')
  const lines = [
    '{"id": "o1", "total": 12.5, "lines": [{"sku": "A", "qty": 2}]}',
    '',
    '{"id": "o2", "total": 99999999999999999999999999999999999999, "paid": true}',
    '{"id": {"S": "o3"}, "note": {"NULL": true}}',
  ]
  fs.writeFileSync(file, lines.join('\n') + '\n')
  const summary = await sf.loadDdb(name, file, { endpointUrl: endpoint, concurrency: 2, rate: 1000 })
  assert.equal(summary.succeeded, true, JSON.stringify(summary))
  assert.equal(summary.written, 3)
  assert.equal(fs.existsSync(`${file}.load-ddb-checkpoint`), false, 'a finished load removes its checkpoint')
  assert.deepStrictEqual(await scan(name), [
    { id: 'o1', total: 12.5, lines: [{ sku: 'A', qty: 2 }] },
    { id: 'o2', total: 99999999999999999999999999999999999999n, paid: true },
    { id: 'o3', note: null },
  ])
})

test('npx load-ddb: seed 004 loads its list as one item', async () => {
  const name = await table('mapstatelist')
  const args = [
    '--config', path.join(SEED, 'config.json'),
    '--json', path.join(SEED, 'simplelist.json'),
    '--table', name,
    '--endpoint-url', endpoint,
    '--summary', 'json',
  ]
  const { code, stdout, stderr } = loadDdbCommand(args)
  assert.equal(code, 0, stderr)
  const summary = JSON.parse(stdout)
  assert.equal(summary.written, 1)
  assert.deepStrictEqual(Object.keys(summary), interfaceKeys('LoadSummary'))
  const out = await client.send(new GetItemCommand({ TableName: name, Key: { mapstatelist: { S: 'mapitems' } } }))
  const list = JSON.parse(fs.readFileSync(path.join(SEED, 'simplelist.json'), 'utf8'))
  assert.deepStrictEqual(sf.unmarshall(out.Item), { mapstatelist: 'mapitems', values: list })
  assert.deepStrictEqual(await scan(name), [{ mapstatelist: 'mapitems', values: list }])
})

test('npx load-ddb: help, version and usage errors', () => {
  const help = loadDdbCommand(['--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /--reject-file/)
  assert.equal(loadDdbCommand(['--version']).stdout.trim(), `load-ddb ${sf.version()}`)
  const usage = loadDdbCommand(['items.json'])
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /give --table NAME/)
  assert.throws(() => sf.runLoadDdb('--help'), TypeError)
})

test('a dry run checks and counts, and writes nothing', async () => {
  const name = await table()
  const summary = await sf.loadDdb(name, [{ id: 'x' }, { id: 'y', n: 2 }, { nope: 1 }], { endpointUrl: endpoint, dryRun: true })
  assert.equal(summary.dry_run, true)
  assert.equal(summary.read, 3)
  assert.equal(summary.written, 0)
  assert.equal(summary.rejected, 1)
  assert.equal(summary.requests, 0)
  assert.equal(summary.succeeded, false)
  assert.deepStrictEqual(await scan(name), [])
})

test('items DynamoDB refuses go to the reject file, with reasons; the promise resolves', async () => {
  const name = await table('id', 'n')
  const rejectFile = path.join(scratch, 'rejects.jsonl')
  const items = [
    { id: 'ok', n: 1 },
    { id: 'no sort key' },
    { id: 'wrong type', n: 'one' },
    { n: 3 },
    { id: 'too big', n: 4, blob: new Uint8Array(401 * 1024) },
    { id: 'ok', n: 2 },
  ]
  const summary = await sf.loadDdb(name, items, { endpointUrl: endpoint, rejectFile })
  assert.equal(summary.succeeded, false)
  assert.equal(summary.written, 2)
  assert.equal(summary.rejected, 4)
  assert.equal(summary.reject_file, rejectFile)
  const rejects = fs.readFileSync(rejectFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line))
  assert.deepStrictEqual(rejects.map((r) => r.index), [1, 2, 3, 4])
  assert.match(rejects[0].reason, /the item has no `n`, a key attribute of the table/)
  assert.match(rejects[1].reason, /key attribute `n` must be of type N, not S/)
  assert.match(rejects[2].reason, /the item has no `id`/)
  assert.match(rejects[3].reason, /DynamoDB's limit is 409600 \(400 KB\)/)
  assert.deepStrictEqual(rejects[0].item, { id: { S: 'no sort key' } })
  assert.deepStrictEqual((await scan(name)).map((i) => i.n), [1, 2])
})

test('a load that cannot run rejects with a LoadError', async () => {
  const missing = `missing-${process.pid}`
  await assert.rejects(sf.loadDdb(missing, [{ id: 'x' }], { endpointUrl: endpoint }), (e) => {
    assert.ok(e instanceof sf.LoadError)
    assert.ok(e instanceof sf.StepforgeError)
    assert.equal(e.code, 'LOAD')
    assert.match(e.message, new RegExp(`cannot describe table ${missing}`))
    assert.equal(e.summary, null)
    return true
  })
  await assert.rejects(sf.loadDdb(missing, path.join(scratch, 'no-such-file.json'), { endpointUrl: endpoint }), sf.LoadError)
  const name = await table()
  await assert.rejects(sf.loadDdb(name, path.join(scratch, 'no-such-file.json'), { endpointUrl: endpoint }), (e) => {
    assert.ok(e instanceof sf.LoadError)
    assert.match(e.message, /cannot open .*no-such-file.json/)
    assert.equal(e.summary.written, 0)
    return true
  })
})

test('bad arguments and items reject the promise, before anything is written', async () => {
  const name = await table()
  const promise = sf.loadDdb(name, [{ id: 'x' }, { id: 'y', n: NaN }], { endpointUrl: endpoint })
  assert.ok(promise instanceof Promise)
  await assert.rejects(promise, (e) => e instanceof sf.MarshalError && e.pointer === '/1/n')
  await assert.rejects(sf.loadDdb(name, [{ id: 'x', u: undefined }]), (e) => e instanceof sf.MarshalError && e.pointer === '/0/u')
  await assert.rejects(sf.loadDdb(name, ['x']), (e) => e instanceof sf.MarshalError && e.pointer === '/0')
  await assert.rejects(sf.loadDdb(name, [{ id: { X: '1' } }], { inputFormat: 'dynamodb' }), (e) => e instanceof sf.MarshalError && e.pointer === '/0/id')
  assert.deepStrictEqual(await scan(name), [])
  const typeErrors = [
    [() => sf.loadDdb(name, 5), /`loadDdb source` must be a path \(a string\) or an array of items, not a number/],
    [() => sf.loadDdb(1, []), /`loadDdb table` must be a string/],
    [() => sf.loadDdb(name, [], { concurrency: 0 }), /between 1 and 256/],
    [() => sf.loadDdb(name, [], { rate: 'fast' }), /is not a rate/],
    [() => sf.loadDdb(name, [], { rate: -1 }), /positive number/],
    [() => sf.loadDdb(name, [], { inputFormat: 'csv' }), /must be one of 'auto', 'plain', 'dynamodb'/],
    [() => sf.loadDdb(name, [], { endpoint: 'x' }), /`endpoint` is not an option/],
  ]
  for (const [call, message] of typeErrors) await assert.rejects(call(), (e) => e instanceof TypeError && message.test(e.message))
  // With the options removeUndefinedValues and rate as write units.
  const summary = await sf.loadDdb(name, [{ id: 'x', u: undefined }], {
    endpointUrl: endpoint,
    removeUndefinedValues: true,
    rate: '200wcu',
  })
  assert.equal(summary.written, 1)
  assert.deepStrictEqual(await scan(name), [{ id: 'x' }])
})

test('the summary has the keys of load-ddb --summary json, typed in index.d.ts', async () => {
  const name = await table()
  const summary = await sf.loadDdb(name, [{ id: 'k' }], { endpointUrl: endpoint })
  const file = path.join(scratch, 'one.json')
  fs.writeFileSync(file, '[{"id": "k2"}]')
  const cli = loadDdbCommand(['--table', name, '--endpoint-url', endpoint, '--summary', 'json', file])
  assert.equal(cli.code, 0, cli.stderr)
  const fromCli = JSON.parse(cli.stdout)
  assert.deepStrictEqual(Object.keys(summary), Object.keys(fromCli))
  assert.deepStrictEqual(Object.keys(summary), interfaceKeys('LoadSummary'))
  assert.deepStrictEqual(Object.keys(summary.retried), interfaceKeys('LoadRetries'))
  assert.deepStrictEqual(Object.keys(summary.retried), Object.keys(fromCli.retried))
  for (const key of ['read', 'written', 'rejected', 'rejected_before', 'duplicates', 'skipped', 'requests', 'seconds', 'items_per_second']) {
    assert.equal(typeof summary[key], 'number', key)
  }
  assert.equal(summary.reject_file, null)
  assert.equal(summary.checkpoint, null)
  assert.equal(summary.interrupted, false)
  // LoadDdbOptions types exactly the options loadDdb takes.
  const options = interfaceKeys('LoadDdbOptions')
  for (const key of options) await sf.loadDdb(name, [], { [key]: undefined, endpointUrl: endpoint })
  await assert.rejects(sf.loadDdb(name, [], { notAnOption: undefined }), (e) => {
    assert.ok(e instanceof TypeError)
    assert.ok(options.every((key) => e.message.includes(key)), e.message)
    return true
  })
})

test('npx load-ddb: Ctrl-C stops the load cleanly, and --resume finishes it', async () => {
  const name = await table()
  const file = path.join(scratch, 'slow.jsonl')
  fs.writeFileSync(file, Array.from({ length: 200 }, (_, i) => `{"id": "i${i}"}\n`).join(''))
  const checkpoint = `${file}.load-ddb-checkpoint`
  const args = [BIN, '--table', name, '--endpoint-url', endpoint, '--rate', '40', '--concurrency', '1', file]
  const child = spawn(process.execPath, args, { env: { ...process.env, CI: 'true' } })
  let stdout = ''
  child.stdout.on('data', (d) => (stdout += d))
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  // Once the first batch is written (its checkpoint is on disk), press Ctrl-C.
  const deadline = Date.now() + 20_000
  while (!fs.existsSync(checkpoint) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  child.kill('SIGINT')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const { code, signal } = await exited
  clearTimeout(timer)
  assert.deepStrictEqual({ code, signal }, { code: 1, signal: null }, stdout)
  assert.match(stdout, /interrupted: run again with --resume to continue/)
  assert.ok(fs.existsSync(checkpoint))
  const written = (await scan(name)).length
  assert.ok(written > 0 && written < 200, `${written} written before Ctrl-C`)
  const resumed = loadDdbCommand(['--table', name, '--endpoint-url', endpoint, '--resume', '--summary', 'json', file])
  assert.equal(resumed.code, 0, resumed.stderr)
  assert.equal(JSON.parse(resumed.stdout).skipped, written)
  assert.equal((await scan(name)).length, 200)
  assert.equal(fs.existsSync(checkpoint), false)
})
