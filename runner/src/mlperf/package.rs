//! Package checks (filled in below).
