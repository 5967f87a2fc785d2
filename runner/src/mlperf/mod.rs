//! MLPerf logs: parsing, compliance, package checks, scoring and RCP.
