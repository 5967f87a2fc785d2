//! The repro spec language.
