use crate::events::Event;

/// Consumes events as they happen.
pub trait Reporter {
    fn event(&mut self, event: &Event);

    /// Called once after the last event (clears progress bars).
    fn finish(&mut self) {}
}

/// Shows nothing while running (`--format json`).
pub struct Silent;

impl Reporter for Silent {
    fn event(&mut self, _event: &Event) {}
}
