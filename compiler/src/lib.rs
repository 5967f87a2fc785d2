//! The repro compiler.
