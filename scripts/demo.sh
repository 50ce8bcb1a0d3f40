#!/usr/bin/env bash
# The end-to-end demo: builds the packages, then runs the examples from Python and Node.
source "$(dirname "$0")/env.sh"
build_python
build_node
log "Python"
"$VENV/bin/python" -c 'import stepforge; print(stepforge.format_json("{\"StartAt\":\"Hello\",\"States\":{\"Hello\":{\"Type\":\"Pass\",\"End\":true}}}"))'
log "Node"
node -e 'const sf = require("./bindings-node"); console.log(sf.formatJson(JSON.stringify({StartAt: "Hello", States: {Hello: {Type: "Pass", End: true}}})))'
