//! `repro verify` and `repro compare`.
