//! The progress line: while a long run scans files, one line on standard error says how
//! many of them are done, redrawn in place and erased before any result is written. It is
//! drawn only when standard error is a terminal and the `CI` variable is not set, so CI
//! logs and piped or redirected output never contain it; it never touches standard output.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// A run shorter than this shows no line at all.
const DELAY: Duration = Duration::from_millis(750);
/// How often the line is redrawn.
const INTERVAL: Duration = Duration::from_millis(100);

/// Whether a run draws the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// Standard error is an interactive terminal outside CI.
    Line,
    Off,
}

impl ProgressMode {
    /// `Line` when standard error is a terminal and `CI` is unset (GitHub Actions, Azure
    /// Pipelines, GitLab CI and most others set it).
    pub fn detect() -> ProgressMode {
        if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            ProgressMode::Line
        } else {
            ProgressMode::Off
        }
    }
}

/// The line while it is shown: files finished so far, and the thread that draws it.
pub struct ProgressLine {
    done: Arc<AtomicUsize>,
    drawing: Option<(Sender<()>, JoinHandle<()>)>,
}

impl ProgressLine {
    /// Starts counting toward `total` files, two steps each (the lint driver's two passes),
    /// and drawing in `Line` mode.
    pub fn start(mode: ProgressMode, total: usize) -> ProgressLine {
        let done = Arc::new(AtomicUsize::new(0));
        let drawing = match mode {
            ProgressMode::Off => None,
            ProgressMode::Line => {
                let (stop, stopped) = mpsc::channel::<()>();
                let counter = Arc::clone(&done);
                let thread = std::thread::spawn(move || draw(&counter, total, &stopped));
                Some((stop, thread))
            }
        };
        ProgressLine { done, drawing }
    }

    /// The counter the lint driver adds finished files to.
    pub fn counter(&self) -> &AtomicUsize {
        &self.done
    }
}

impl Drop for ProgressLine {
    /// Stops drawing and erases the line.
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.drawing.take() {
            drop(stop);
            // A panicked drawer has nothing left to erase.
            let _ = thread.join();
        }
    }
}

fn draw(done: &AtomicUsize, total: usize, stopped: &mpsc::Receiver<()>) {
    let mut timeout = DELAY;
    let mut shown: Option<usize> = None;
    // Nothing is ever sent: the sender is dropped when the run's files are done.
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(timeout) {
        timeout = INTERVAL;
        let steps = done.load(Ordering::Relaxed).min(2 * total);
        let percent = (steps * 100).checked_div(2 * total).unwrap_or(100);
        if shown == Some(percent) {
            continue;
        }
        shown = Some(percent);
        let mut stderr = std::io::stderr().lock();
        // The line is a courtesy: a failing standard error must not fail the run.
        let _ = write!(
            stderr,
            "\r\x1b[2Kadalint: scanning {total} files ({percent}%)"
        );
        let _ = stderr.flush();
    }
    if shown.is_some() {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K");
        let _ = stderr.flush();
    }
}
