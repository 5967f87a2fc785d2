//! Integration tests of the compiler: real specs in a tempdir, real git repositories.

mod support;

mod confinement;
mod errors;
mod eval;
mod git;
mod interrupted;
mod locked;
mod lockfiles;
mod no_panic;
mod packed_lists;
mod roundtrip;
mod rules;
mod sweeps;
mod workloads;
