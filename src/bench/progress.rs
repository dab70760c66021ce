//! Progress on stderr: an indicatif bar (current model/backend/side/epoch) when stderr is a
//! terminal, plain `bench:` lines otherwise. Never writes to stdout.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::{Cell, RefCell};
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    epochs: u32,
    total_runs: u32,
    runs_done: Cell<u32>,
    label: RefCell<String>,
}

impl Progress {
    /// A progress display for `total_runs` trainings of `epochs` epochs each.
    pub fn new(total_runs: u32, epochs: u32) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(u64::from(total_runs) * u64::from(epochs)),
                ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} epochs  {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            bar,
            epochs,
            total_runs,
            runs_done: Cell::new(0),
            label: RefCell::new(String::new()),
        }
    }

    /// A training run starts.
    pub fn start_run(&self, label: &str) {
        let n = self.runs_done.get() + 1;
        *self.label.borrow_mut() = format!("run {n}/{} {label}", self.total_runs);
        match &self.bar {
            Some(bar) => {
                bar.set_position(u64::from(self.runs_done.get()) * u64::from(self.epochs));
                bar.set_message(format!("{} epoch 0/{}", self.label.borrow(), self.epochs));
            }
            None => eprintln!("bench: {} ...", self.label.borrow()),
        }
    }

    /// The running script has finished `done` of `epochs` epochs.
    pub fn epoch(&self, done: u32, epochs: u32) {
        if let Some(bar) = &self.bar {
            let base = u64::from(self.runs_done.get()) * u64::from(self.epochs);
            bar.set_position(base + u64::from(done.min(self.epochs)));
            bar.set_message(format!("{} epoch {done}/{epochs}", self.label.borrow()));
        }
    }

    /// The current run ended; `line` says how.
    pub fn finish_run(&self, line: &str) {
        self.runs_done.set(self.runs_done.get() + 1);
        if let Some(bar) = &self.bar {
            bar.set_position(u64::from(self.runs_done.get()) * u64::from(self.epochs));
        }
        self.note(&format!("{}: {line}", self.label.borrow()));
    }

    /// A line for the user, above the bar when there is one.
    pub fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(format!("bench: {line}")),
            None => eprintln!("bench: {line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
