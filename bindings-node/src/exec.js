// The JavaScript half of the executor binding, evaluated by src/exec.rs: one
// host per `World`, kept on the World object. It holds the task handlers
// (JavaScript functions), calls them, catches what they throw, keeps the
// Promises they return, and runs the `run()` loop that awaits those Promises
// and answers the world. The executor itself is the Rust core.
(function stepforgeExecHost() {
  'use strict'

  /** `[error, cause]` for what a handler threw. The error is its `name`. A
   *  string `cause` (`new Error(msg, { cause: 'text' })`, or set on the error)
   *  is the cause as is; otherwise the cause has the shape AWS Lambda gives a
   *  Node.js function's error, so the message and the stack survive. */
  function failure(e) {
    if (e instanceof Error || (e !== null && typeof e === 'object' && 'message' in e)) {
      const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error'
      if (typeof e.cause === 'string') return [name, e.cause]
      const cause = { errorType: name, errorMessage: String(e.message), trace: String(e.stack ?? '').split('\n') }
      return [name, JSON.stringify(cause)]
    }
    return ['Error', JSON.stringify({ errorType: 'Error', errorMessage: String(e), trace: [] })]
  }

  function isThenable(v) {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function'
  }

  return function makeHost() {
    const handlers = []
    const pending = []

    /** Calls handler `id`: `[0, value]`, `[1, error, cause]` or `[2]` (a Promise, kept for `run`). */
    function call(id, task) {
      let value
      try {
        value = handlers[id](task)
      } catch (e) {
        return [1, ...failure(e)]
      }
      if (isThenable(value)) {
        // Settlement is recorded at once, so a rejection is never unhandled
        // (which would end Node) even if `run()` is never called.
        const entry = { token: task.token, place: `\`${task.stateName}\` in ${task.executionArn}`, started: 0, settled: null }
        entry.done = Promise.resolve(value).then(
          (v) => { entry.settled = [true, v] },
          (e) => { entry.settled = [false, e] },
        )
        pending.push(entry)
        return [2]
      }
      return [0, value === undefined ? null : value]
    }

    function answer(world, entry) {
      const [ok, v] = entry.settled
      if (ok) world.__settle(entry.token, v === undefined ? null : v)
      else world.__settleFailure(entry.token, ...failure(v))
    }

    /** Runs the world until nothing is left: the core runs what it can, then
     *  the handlers' Promises are awaited and answered, and again. On the
     *  virtual clock they are awaited together and answered in call order (a
     *  seed gives one history); in real time each answers as it settles, and a
     *  timer due first fires (a Task's TimeoutSeconds). A Promise still
     *  pending after `handlerTimeout` seconds fails its task (States.Timeout). */
    async function run(world) {
      const limitMs = world.handlerTimeout * 1000
      const scale = world.timeScale
      const realtime = scale !== null && scale !== undefined
      let inflight = []
      for (;;) {
        const idle = world.runUntilIdle()
        for (const entry of pending.splice(0)) {
          entry.started = Date.now()
          inflight.push(entry)
        }
        // Work whose task ended meanwhile (its timeout fired, the execution stopped) has nobody to answer.
        inflight = inflight.filter((e) => world.__isWaiting(e.token))
        if (inflight.length === 0) return idle
        let wait = Math.max(0, Math.min(...inflight.map((e) => e.started + limitMs)) - Date.now())
        const due = realtime ? world.__nextDueSeconds() : null
        if (due !== null) wait = Math.min(wait, due * 1000 * scale)
        let timer
        const timeout = new Promise((resolve) => { timer = setTimeout(resolve, wait) })
        const settled = realtime ? Promise.race(inflight.map((e) => e.done)) : Promise.all(inflight.map((e) => e.done))
        await Promise.race([settled, timeout])
        clearTimeout(timer)
        let answered = false
        const now = Date.now()
        inflight = inflight.filter((e) => {
          if (e.settled) {
            answer(world, e)
            answered = true
            return false
          }
          if (now - e.started >= limitMs) {
            world.__settleFailure(e.token, 'States.Timeout',
              `the handler of ${e.place} did not settle within ${limitMs / 1000} s of real time (handlerTimeout)`)
            return false
          }
          return true
        })
        // The next timer is due before any answer: let it fire while the work goes on.
        if (realtime && !answered && due !== null && inflight.length > 0) world.__step()
      }
    }

    return {
      add(fn) {
        handlers.push(fn)
        return handlers.length - 1
      },
      call,
      hasPending: () => pending.length > 0,
      /** Where the Promises not yet handed to `run` came from, forgetting them (the explorer cannot await them). */
      takePending: () => pending.splice(0).map((e) => e.place),
      run,
    }
  }
})
