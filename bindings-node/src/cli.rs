//! `runCli`: the `stepforge` command line (`npx stepforge …`), writing to
//! `process.stdout` and `process.stderr` as it goes.

use std::io::{self, Write};

use napi::Env;
use napi::bindgen_prelude::{Buffer, Function, JsObjectValue, Object, Unknown};
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
