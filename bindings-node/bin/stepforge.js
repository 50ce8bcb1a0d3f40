#!/usr/bin/env node
// `npx stepforge …`: the stepforge command line (validate, fmt), run by the
// native addon. The exit code is set rather than forced so output flushes.
'use strict'

require('./quiet-pipe')
const { runCli } = require('..')

process.exitCode = runCli(process.argv.slice(2))
