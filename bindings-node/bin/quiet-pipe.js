// When the reader of the output goes away (`npx stepforge validate … | head -1`),
// a command line stops quietly, as it would on SIGPIPE. Node ignores SIGPIPE
// and reports the closed pipe as an `EPIPE` 'error' event on the stream, which
// unhandled ends the process with a stack trace: handle it here instead.
'use strict'

function quietPipe(stream) {
  stream.on('error', (error) => {
    if (error && error.code === 'EPIPE') {
      // Nothing more can be written: exit 141, as a command killed by SIGPIPE
      // does and as the core's CLI does when its writes fail on a closed pipe.
      process.exit(141)
    }
    throw error
  })
}

quietPipe(process.stdout)
quietPipe(process.stderr)
