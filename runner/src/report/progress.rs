use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::plain::{is_mllog, line};
use super::Reporter;
use crate::events::Event;

/// A terminal progress bar: runs done of total, the current run's elapsed time (indicatif
/// ticks it), and the last line any rank printed. Other events print above the bar.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new() -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{spinner} runs {pos}/{len} [{elapsed}] {wide_msg}")
                .expect("the template is a constant");
        bar.set_style(style);
        Progress { bar }
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

impl Reporter for Progress {
    fn event(&mut self, event: &Event) {
        match event {
            Event::SessionStarted { runs, .. } => {
                self.bar.set_length(u64::from(*runs));
                self.bar.println(line(event));
            }
            Event::RunStarted { .. } => {
                self.bar.reset_elapsed();
                self.bar.enable_steady_tick(Duration::from_millis(100));
                self.bar.println(line(event));
            }
            Event::RankOutput { .. } if is_mllog(event) => {}
            Event::RankOutput { rank, line, .. } => {
                self.bar.set_message(format!("rank {rank}: {line}"))
            }
            Event::RunFinished { .. } => {
                self.bar.inc(1);
                self.bar.println(line(event));
            }
            _ => self.bar.println(line(event)),
        }
    }

    fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}
