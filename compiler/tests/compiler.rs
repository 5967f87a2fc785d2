//! Integration tests of the compiler: real specs in a tempdir, real git repositories.

mod support;

mod lockfiles;
mod errors;
