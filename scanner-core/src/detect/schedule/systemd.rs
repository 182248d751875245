//! systemd `.timer` units, their `OnCalendar`/`OnBootSec`/... triggers, and the `ExecStart`
//! of the service they start.
//!
//! Not written yet: [`Units`] collects nothing.

use crate::schedule::Task;

/// Timers and services seen so far; a timer's command comes from its service, which may be
/// walked after it.
#[derive(Debug, Default)]
pub struct Units {
    _units: Vec<String>,
}

impl Units {
    /// Look at an entry; keeps it when it is a `.timer` or `.service` unit.
    pub fn add(&mut self, _path: &str, _text: &str) {}

    /// The timers as tasks, once every entry has been seen.
    pub fn finish(&mut self) -> Resolved {
        Resolved::default()
    }
}

/// The timers of a package.
#[derive(Debug, Default)]
pub struct Resolved {
    /// One task per timer (several `OnCalendar=` lines are one task).
    pub tasks: Vec<Task>,
    /// Triggers that could not be read: (unit path, line, what is wrong, the line as written).
    pub invalid_at: Vec<(String, u32, String, String)>,
}
