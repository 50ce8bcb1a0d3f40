#!/usr/bin/env node
// `npx load-ddb …`: the DynamoDB batch loader's command line, run by the
// native addon. The exit code is set rather than forced so output flushes.
'use strict'

require('./quiet-pipe')
const { runLoadDdb } = require('..')

process.exitCode = runLoadDdb(process.argv.slice(2))
