'use strict'
// marshall → the AWS SDK for JavaScript v3 (PutItem) → a DynamoDB-compatible
// server on 127.0.0.1 → GetItem → unmarshall gives back every item of a
// generated corpus that covers every type, binary and binary sets included.

const test = require('node:test')
const assert = require('node:assert/strict')

const { startDynamo } = require('./dynamo_server')
const { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb')
const { sf } = require('./helpers')

const { marshall, unmarshall, DynamoNumber } = sf

let server
let client

test.before(async () => {
  server = await startDynamo()
  client = new DynamoDBClient({ endpoint: server.endpoint, region: process.env.AWS_REGION })
})

test.after(() => {
  client?.destroy()
  server?.stop()
})

/** A seeded generator (mulberry32), so a failing item can be made again. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function corpus(n, seed) {
  const random = rng(seed)
  const pick = (list) => list[Math.floor(random() * list.length)]
  const bytes = (len) => Uint8Array.from({ length: len }, () => Math.floor(random() * 256))
  const scalar = () =>
    pick([
      () => pick(['', 'plain', 'héllo 李 🚀', 'quote " and \\ and \n']),
      () => Math.floor(random() * 2 ** 40) - 2 ** 39,
      () => pick([0.1, 1.5, -2.25, Math.PI, 1e-7, 123456.789]),
      () => pick([12345678901234567890123456789012345678n, -(2n ** 80n), 2n ** 53n + 1n]),
      () => new DynamoNumber(pick(['3.1415926535897932384626433832795028841', '-1.2345678901234567890123456789012345678'])),
      () => random() < 0.5,
      () => null,
      () => bytes(Math.floor(random() * 8)),
      () => new Set(pick([['a', 'b'], ['x'], ['€', 'z', '']])),
      () => new Set(pick([[1, 2.5], [7], [10n ** 30n, 3]])),
      () => new Set([bytes(1), Uint8Array.from([0xff, 0]), Uint8Array.from([0, 1, 0xfe])]),
    ])()
  const value = (depth) => {
    const r = random()
    if (depth < 4 && r < 0.2) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))
    if (depth < 4 && r < 0.4) {
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, value(depth + 1)]))
    }
    return scalar()
  }
  return Array.from({ length: n }, (_, i) => {
    const item = { id: `item-${i}` }
    for (let j = 0; j < 1 + Math.floor(random() * 6); j++) item[`a${j}`] = value(0)
    return item
  })
}

/** What unmarshall gives back for a value marshall took: BigInts a double holds become numbers. */
function expected(value) {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }
  if (value instanceof Set) return new Set([...value].map(expected))
  if (Array.isArray(value)) return value.map(expected)
  if (value instanceof Uint8Array || value instanceof DynamoNumber || value === null) return value
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expected(v)]))
  return value
}

/** A fresh table with a string partition key `id`. */
async function table(name) {
  const TableName = `${name}-${process.pid}`
  await client.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  return TableName
}

test('marshall → PutItem → GetItem → unmarshall gives every item back', async () => {
  const TableName = await table('roundtrip')
  const items = corpus(300, 7)
  const types = new Set()
  for (const item of items) {
    const av = marshall(item)
    JSON.stringify(av, (_, v) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1) types.add(Object.keys(v)[0])
      return v
    })
    await client.send(new PutItemCommand({ TableName, Item: av }))
    const got = await client.send(new GetItemCommand({ TableName, Key: { id: { S: item.id } }, ConsistentRead: true }))
    assert.deepStrictEqual(unmarshall(got.Item), expected(item), item.id)
  }
  for (const t of ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']) assert.ok(types.has(t), `the corpus has ${t}`)
})

test('the binary of the issue: 00 01 fe is stored and read back as those bytes', async () => {
  const TableName = await table('binary')
  await client.send(new PutItemCommand({ TableName, Item: marshall({ id: '1', blob: Uint8Array.from([0, 1, 0xfe]) }) }))
  const got = await client.send(new GetItemCommand({ TableName, Key: { id: { S: '1' } } }))
  assert.deepStrictEqual([...got.Item.blob.B], [0, 1, 0xfe])
  assert.deepStrictEqual([...unmarshall(got.Item).blob], [0, 1, 0xfe])
})
