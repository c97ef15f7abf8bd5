//! How much work one decode may do, and how a caller stops it.
//!
//! Every stage is linear in the paste, and a paste is cut at 4 MiB, so a decode ends. But a
//! server that gives a request 15 s must be able to take its thread back at the deadline
//! rather than let the work run on after the answer has gone. Two bounds, both checked
//! between stages and inside the loops that run once per match or per word:
//!
//! * a [`Cancel`] flag the caller sets (the server sets it when a request's deadline passes
//!   or its client goes away);
//! * a step count ([`DecodeOptions::max_steps`](crate::DecodeOptions)): a step is one unit of
//!   work charged by a loop (a byte normalized, a word looked up, a match read). Counting
//!   steps rather than time keeps the document the same on a fast or a slow machine.
//!
//! A decode that runs out returns what it has found so far, with a note.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag shared between the caller and a decode. Setting it stops the decode at its next
/// check; the decode then returns what it has.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// A guard that sets the flag when dropped: hold it in the future that waits for the
    /// decode, so that a timeout which drops the future stops the work too.
    pub fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }
}

/// Sets its [`Cancel`] flag when dropped (see [`Cancel::on_drop`]).
#[derive(Debug)]
pub struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Why a decode stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The caller cancelled it (a deadline passed).
    Cancelled,
    /// It used up its step budget.
    OutOfSteps,
}

/// The running count of one decode's steps, and its bounds. Shared by reference through the
/// [`Haystack`](crate::haystack::Haystack); one decode runs on one thread.
#[derive(Debug, Default)]
pub struct Meter {
    used: Cell<u64>,
    limit: Option<u64>,
    cancel: Option<Cancel>,
    stopped: Cell<Option<Stopped>>,
}

impl Meter {
    pub fn new(limit: Option<u64>, cancel: Option<Cancel>) -> Meter {
        Meter { used: Cell::new(0), limit, cancel, stopped: Cell::new(None) }
    }

    /// A meter without bounds (still counting).
    pub fn unbounded() -> Meter {
        Meter::default()
    }

    /// Counts `steps` more; `false` once the decode must stop (and from then on).
    #[inline]
    pub fn charge(&self, steps: u64) -> bool {
        let used = self.used.get().saturating_add(steps);
        self.used.set(used);
        if self.stopped.get().is_some() {
            return false;
        }
        if self.limit.is_some_and(|limit| used > limit) {
            self.stopped.set(Some(Stopped::OutOfSteps));
            return false;
        }
        if self.cancel.as_ref().is_some_and(Cancel::is_cancelled) {
            self.stopped.set(Some(Stopped::Cancelled));
            return false;
        }
        true
    }

    /// Whether the decode may go on (charges nothing).
    pub fn ok(&self) -> bool {
        self.charge(0)
    }

    pub fn used(&self) -> u64 {
        self.used.get()
    }

    pub fn stopped(&self) -> Option<Stopped> {
        self.stopped.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_limit_and_on_cancel() {
        let meter = Meter::new(Some(10), None);
        assert!(meter.charge(10));
        assert!(!meter.charge(1));
        assert!(!meter.ok(), "stays stopped");
        assert_eq!(meter.stopped(), Some(Stopped::OutOfSteps));

        let cancel = Cancel::new();
        let meter = Meter::new(None, Some(cancel.clone()));
        assert!(meter.charge(1_000_000));
        drop(cancel.on_drop());
        assert!(!meter.ok());
        assert_eq!(meter.stopped(), Some(Stopped::Cancelled));
    }
}
