// When the reader of the output goes away (`npx stepforge validate … | head -1`),
// a command line stops quietly, as it would on SIGPIPE. Node ignores SIGPIPE
// and reports the closed pipe as an `EPIPE` 'error' event on the stream, which
// unhandled ends the process with a stack trace: handle it here instead.
'use strict'

function quietPipe(stream) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') {
      // Nothing more can be written; end with the command's own exit code.
      process.exit(process.exitCode === undefined ? 0 : process.exitCode)
    }
    throw error
  })
}

quietPipe(process.stdout)
quietPipe(process.stderr)
