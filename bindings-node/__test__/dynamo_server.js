'use strict'
// A DynamoDB-compatible server on 127.0.0.1 for the tests that talk to one:
// STEPFORGE_DYNAMODB_ENDPOINT when set (scripts/test.sh starts moto once for
// every suite), else moto's server started here with $STEPFORGE_PYTHON
// (default: the repository's .venv) and stopped by `stop()`.

const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const { spawn } = require('node:child_process')

// Credentials and region for the local server, for this process and the
// processes the tests start.
const LOCAL_AWS = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
}
for (const [name, value] of Object.entries(LOCAL_AWS)) process.env[name] ??= value
// The SDK warns on every run that its 2027 releases will need Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const ROOT = path.join(__dirname, '..', '..')

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => socket.end(() => resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

/** Starts (or finds) the server: `{ endpoint, stop }`. */
async function startDynamo() {
  if (process.env.STEPFORGE_DYNAMODB_ENDPOINT) {
    return { endpoint: process.env.STEPFORGE_DYNAMODB_ENDPOINT, stop() {} }
  }
  const python = process.env.STEPFORGE_PYTHON || path.join(ROOT, '.venv', 'bin', 'python')
  if (!fs.existsSync(python)) {
    throw new Error(
      `these tests need a DynamoDB-compatible server: run scripts/test.sh (it installs moto into .venv ` +
        `and starts it), or set STEPFORGE_DYNAMODB_ENDPOINT, or STEPFORGE_PYTHON to a Python with moto[server] ` +
        `(${python} does not exist)`,
    )
  }
  const port = await freePort()
  let output = ''
  const moto = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  moto.stdout.on('data', (d) => (output += d))
  moto.stderr.on('data', (d) => (output += d))
  const deadline = Date.now() + 30_000
  while (!(await listening(port))) {
    if (moto.exitCode !== null) {
      throw new Error(`moto's server exited (${moto.exitCode}): run scripts/test.sh to install moto[server]\n${output}`)
    }
    if (Date.now() > deadline) throw new Error(`moto's server did not listen on port ${port} within 30 s\n${output}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => moto.kill('SIGTERM') }
}

module.exports = { startDynamo }
