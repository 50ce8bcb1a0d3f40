//! Data evaluation for the local executor: paths, payload templates, intrinsic functions, Choice rules, JSONata.
