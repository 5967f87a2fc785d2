//! Events: the only channel between execution and reporting.
//!
//! Executors and the session emit [`Event`]s in order; reporters (`crate::report`) consume
//! them and never look at executor state. This keeps the terminal UI, plain logs and JSON
//! output interchangeable, and lets tests assert on the exact event stream (nextest's model).

mod event;
mod stream;

pub use event::Event;
pub use stream::Stream;
