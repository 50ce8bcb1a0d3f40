//! `runCli` and `runLoadDdb`: the `stepforge` and `load-ddb` command lines
//! (`npx stepforge …`, `npx load-ddb …`), writing to `process.stdout` and
//! `process.stderr`.

use std::io::{self, Write};

use napi::Env;
use napi::bindgen_prelude::{Buffer, FnArgs, Function, JsObjectValue, Object, Unknown};
use napi_derive::napi;

use crate::errors::guard;
use crate::value::{At, strings};

/// A `std::io::Write` onto `process.stdout` or `process.stderr`, so output
/// goes through Node's streams (and whatever replaced them) in order.
struct ProcessStream<'env> {
    env: &'env Env,
    name: &'static str,
}

impl ProcessStream<'_> {
    fn send(&self, bytes: &[u8]) -> napi::Result<()> {
        let process: Object = self.env.get_global()?.get_named_property("process")?;
        let stream: Object = process.get_named_property(self.name)?;
        let write: Function<Buffer, Unknown> = stream.get_named_property("write")?;
        write.apply(stream, Buffer::from(bytes.to_vec()))?;
        Ok(())
    }
}

impl Write for ProcessStream<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.send(bytes).map_err(|e| io::Error::other(e.reason.clone()))?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs the `stepforge` command line with `args` (without the program name,
/// as in `process.argv.slice(2)`) and returns its exit code: 0 when every
/// definition is valid, 1 when one has problems, 2 on a usage error.
#[napi]
pub fn run_cli(env: Env, #[napi(ts_arg_type = "ReadonlyArray<string>")] args: Unknown) -> napi::Result<i32> {
    guard(&env, || {
        let args = strings(args, &At::new("runCli args"))?;
        let argv = std::iter::once("stepforge".to_string()).chain(args).collect();
        let mut out = ProcessStream { env: &env, name: "stdout" };
        let mut err = ProcessStream { env: &env, name: "stderr" };
        Ok(stepforge::cli::run(argv, &mut out, &mut err))
    })
}

/// `process.on(event, listener)`'s arguments.
type OnArgs<'a> = FnArgs<(&'a str, Function<'a, (), ()>)>;

/// Makes Node's SIGINT handler libuv's, by adding a listener that does
/// nothing when there is none. The core's `load-ddb` installs tokio's SIGINT
/// handler, which also calls the handler it replaced; Node's default one
/// re-raises the signal, which tokio's would then catch again, forever (the
/// process spins). libuv's only notes the signal, so Ctrl-C stops the load
/// cleanly, as in the command.
fn quiet_sigint(env: &Env) -> napi::Result<()> {
    let process: Object = env.get_global()?.get_named_property("process")?;
    let count: Function<&str, u32> = process.get_named_property("listenerCount")?;
    if count.apply(process, "SIGINT")? > 0 {
        return Ok(());
    }
    let ignore = env.create_function_from_closure::<(), (), _>("ignoreSigint", |_| Ok(()))?;
    let on: Function<OnArgs, Unknown> = process.get_named_property("on")?;
    on.apply(process, FnArgs::from(("SIGINT", ignore)))?;
    Ok(())
}

/// Runs the `load-ddb` command line with `args` (without the program name, as
/// in `process.argv.slice(2)`) and returns its exit code: 0 when every item
/// was written, 1 when some were not (or Ctrl-C stopped the load), 2 for a
/// usage error or a load that could not run. It blocks until the load ends.
/// It is for programs that are the command (`npx load-ddb`): as the command
/// does, it handles Ctrl-C (the load stops cleanly, its checkpoint kept), and
/// from then on Ctrl-C no longer ends the process. From code, use `loadDdb`.
#[napi]
pub fn run_load_ddb(env: Env, #[napi(ts_arg_type = "ReadonlyArray<string>")] args: Unknown) -> napi::Result<i32> {
    guard(&env, || {
        let args = strings(args, &At::new("runLoadDdb args"))?;
        quiet_sigint(&env)?;
        let argv = std::iter::once("load-ddb".to_string()).chain(args).collect();
        let mut out = ProcessStream { env: &env, name: "stdout" };
        let mut err = ProcessStream { env: &env, name: "stderr" };
        Ok(stepforge::cli::load_ddb::run(argv, &mut out, &mut err))
    })
}
