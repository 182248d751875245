//! The page's state: one `Reducible` value and the `Action`s that change it.

use crate::protocol::Response;
use scanner_core::{Category, Diagnostic, FileEntry, FileKind, Finding, Profile, Report, Severity};
use std::rc::Rc;
use yew::Reducible;

/// An append-only list kept as shared batches, so appending a batch never copies what came
/// before (a scan may stream 100,000 file entries).
#[derive(Debug, Clone)]
pub struct Chunked<T> {
    batches: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            batches: Vec::new(),
            len: 0,
        }
    }
}

/// Two lists are equal when they hold the same batches: a render compares pointers, never the
/// items.
impl<T> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self.batches.len() == other.batches.len()
            && self
                .batches
                .iter()
                .zip(&other.batches)
                .all(|(a, b)| Rc::ptr_eq(a, b))
    }
}

impl<T> Chunked<T> {
    /// Append a batch.
    pub fn push_batch(&mut self, batch: Vec<T>) {
        if !batch.is_empty() {
            self.len += batch.len();
            self.batches.push(Rc::new(batch));
        }
    }
    /// Number of items.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// All items in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.batches.iter().flat_map(|b| b.iter())
    }
}

/// A value the state shares with the components, compared by identity: a render whose list
/// did not change compares one pointer, not thousands of findings.
#[derive(Debug, Default)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

/// The findings as the views list them, sorted once per change of the list (not per render).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Views {
    /// Every finding, most severe first.
    pub all: Shared<Vec<Rc<Finding>>>,
    /// The same, per category.
    pub by_category: Vec<(scanner_core::Category, Shared<Vec<Rc<Finding>>>)>,
}

impl Views {
    fn of(findings: Vec<Rc<Finding>>) -> Self {
        let mut by: Vec<(scanner_core::Category, Vec<Rc<Finding>>)> = Vec::new();
        for f in &findings {
            match by.iter_mut().find(|(c, _)| *c == f.category) {
                Some((_, v)) => v.push(f.clone()),
                None => by.push((f.category, vec![f.clone()])),
            }
        }
        Views {
            all: findings.into(),
            by_category: by.into_iter().map(|(c, v)| (c, v.into())).collect(),
        }
    }

    /// The findings of one category.
    pub fn category(&self, c: scanner_core::Category) -> Shared<Vec<Rc<Finding>>> {
        self.by_category
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// Where the page is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Nothing dropped yet.
    Idle,
    /// A scan runs.
    Scanning,
    /// The scan finished.
    Done,
    /// The reviewer cancelled; results so far are kept.
    Cancelled,
    /// The package could not be scanned.
    Failed(String),
}

/// The views under the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// All findings.
    Findings,
    /// Scheduled tasks: table and week timeline.
    Schedules,
    /// Endpoints by host.
    Endpoints,
    /// Credentials, masked.
    Credentials,
    /// Migrations, per file.
    Migrations,
    /// Systemd units: missing and shipped.
    Units,
    /// Certificates and key stores, with a validity timeline.
    Certificates,
    /// Deprecated and removed configuration keys.
    Config,
    /// Components, versions and upgrade paths.
    Inventory,
    /// The generated checklist.
    Checklist,
    /// The package's files.
    Files,
    /// What could not be read.
    Diagnostics,
}

/// Scan progress as last reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressState {
    /// `hashing` or `scanning`.
    pub phase: String,
    /// Bytes behind the current phase.
    pub bytes_done: u64,
    /// Package size.
    pub bytes_total: u64,
    /// Entries visited.
    pub entries_done: u64,
    /// Current entry.
    pub current: String,
}

/// The source view's content.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceContent {
    /// Waiting for the worker.
    Loading,
    /// Decoded text.
    Text {
        /// The text.
        text: Rc<str>,
        /// Encoding name.
        encoding: String,
        /// Only the beginning is shown.
        truncated: bool,
    },
    /// Nothing to show, and why.
    Unavailable(String),
}

/// An open source view.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Entry path.
    pub path: String,
    /// Line to highlight.
    pub line: Option<u32>,
    /// What is shown.
    pub content: SourceContent,
}

/// Findings filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// Lowest severity shown.
    pub min_severity: Severity,
    /// Only this category.
    pub category: Option<Category>,
    /// Case-insensitive text in title, path, rule or evidence.
    pub text: String,
    /// Order of the list.
    pub sort: SortBy,
}

/// Orders of the findings list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Most severe first (then path, line).
    #[default]
    Severity,
    /// By entry path and line.
    Path,
    /// By rule id.
    Rule,
}

impl SortBy {
    /// All orders with their labels.
    pub const ALL: [(SortBy, &'static str); 3] = [
        (SortBy::Severity, "severity"),
        (SortBy::Path, "path"),
        (SortBy::Rule, "rule"),
    ];

    /// Sort findings in this order (stable: ties keep the severity order).
    pub fn apply(self, v: &mut [&&Finding]) {
        match self {
            SortBy::Severity => {}
            SortBy::Path => v.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line))),
            SortBy::Rule => v.sort_by(|a, b| a.rule.cmp(&b.rule)),
        }
    }
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            sort: SortBy::Severity,
            min_severity: Severity::Info,
            category: None,
            text: String::new(),
        }
    }
}

impl Filter {
    /// Whether a finding passes.
    pub fn matches(&self, f: &Finding) -> bool {
        if f.severity < self.min_severity {
            return false;
        }
        if self.category.is_some_and(|c| c != f.category) {
            return false;
        }
        if self.text.is_empty() {
            return true;
        }
        let needle = self.text.to_lowercase();
        [&f.title, &f.path, &f.rule, &f.evidence]
            .iter()
            .any(|s| s.to_lowercase().contains(&needle))
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Where the page is.
    pub phase: Phase,
    /// Name of the package being shown.
    pub name: String,
    /// Size of the package file.
    pub size: u64,
    /// Last progress.
    pub progress: ProgressState,
    /// Findings in arrival order (the final report replaces them sorted).
    pub findings: Chunked<Rc<Finding>>,
    /// File entries.
    pub files: Chunked<FileEntry>,
    /// Diagnostics.
    pub diagnostics: Chunked<Diagnostic>,
    /// The final report (files emptied), once done.
    pub report: Option<Shared<Report>>,
    /// Selected tab.
    pub tab: Tab,
    /// Findings filter.
    pub filter: Filter,
    /// The open source view.
    pub source: Option<Source>,
    /// A file is dragged over the page.
    pub dragging: bool,
    /// Milliseconds the scan took (page clock), once done.
    pub elapsed_ms: Option<f64>,
    /// The profile in force, as TOML (kept in localStorage).
    pub profile_toml: String,
    /// The same, parsed.
    pub profile: Profile,
    /// The profile form is open.
    pub show_profile: bool,
    /// The About panel is open.
    pub show_about: bool,
    /// A message about something other than the scan (a dropped profile that does not read).
    pub notice: Option<String>,
    /// Showing a reopened JSON report (this file name), not a scanned package.
    pub report_view: Option<String>,
    /// The findings as the views list them (see [`Views`]).
    pub views: Views,
    /// When the views were last sorted (ms since the epoch).
    pub views_at: f64,
    /// Findings came since.
    pub views_stale: bool,
}

impl Default for State {
    fn default() -> Self {
        State {
            phase: Phase::Idle,
            name: String::new(),
            size: 0,
            progress: ProgressState::default(),
            findings: Chunked::default(),
            files: Chunked::default(),
            diagnostics: Chunked::default(),
            report: None,
            tab: Tab::Findings,
            filter: Filter::default(),
            source: None,
            dragging: false,
            elapsed_ms: None,
            profile_toml: String::new(),
            profile: Profile::default(),
            show_profile: false,
            show_about: false,
            notice: None,
            report_view: None,
            views: Views::default(),
            views_at: 0.0,
            views_stale: false,
        }
    }
}

/// Everything that changes the state.
#[derive(Debug, Clone)]
pub enum Action {
    /// Show a report reopened from its JSON export (file name, report).
    ReportView(String, Box<Report>),
    /// Show (or clear) a notice.
    Notice(Option<String>),
    /// A scan starts for this file.
    Start {
        /// File name.
        name: String,
        /// File size.
        size: u64,
    },
    /// A message from the worker.
    Worker(Response),
    /// The reviewer cancelled.
    Cancel,
    /// The scan took this long.
    Elapsed(f64),
    /// Drag state.
    Dragging(bool),
    /// Switch tab.
    Tab(Tab),
    /// Change the filter.
    Filter(Filter),
    /// Open the source view.
    OpenSource {
        /// Entry path.
        path: String,
        /// Line to highlight.
        line: Option<u32>,
    },
    /// Close the source view.
    CloseSource,
    /// A worker crash or a file that cannot be read.
    Fail(String),
    /// Use this profile (TOML that parses).
    Profile(String),
    /// Open or close the profile form.
    ShowProfile(bool),
    /// Open or close the About panel.
    ShowAbout(bool),
}

impl State {
    /// Findings to list: the final sorted ones when done, else those streamed so far.
    pub fn all_findings(&self) -> Vec<&Finding> {
        self.views.all.iter().map(|f| &**f).collect()
    }

    /// While findings stream in, sort them for the views at most once a second: sorting and
    /// copying every finding on each batch kept the main thread busy on large packages. The
    /// first findings show at once.
    fn refresh_views_now_and_then(&mut self) {
        let now = js_sys::Date::now();
        let first = self.views.all.is_empty() && !self.findings.is_empty();
        if self.views_stale && (first || now - self.views_at >= 1000.0) {
            self.refresh_views();
        }
    }

    /// Sort the findings for the views again: after a batch, the report or a reopened report.
    fn refresh_views(&mut self) {
        self.views_at = js_sys::Date::now();
        self.views_stale = false;
        // Shared pointers: sorting and grouping copy no finding.
        let findings: Vec<Rc<Finding>> = match &self.report {
            Some(r) => r.findings.iter().cloned().map(Rc::new).collect(),
            None => {
                let mut v: Vec<Rc<Finding>> = self.findings.iter().cloned().collect();
                v.sort_by(|a, b| scanner_core::report::finding_order(a, b));
                v
            }
        };
        self.views = Views::of(findings);
    }

    /// Whether findings have been shown for a package (scanning, done or cancelled).
    pub fn has_results(&self) -> bool {
        matches!(self.phase, Phase::Scanning | Phase::Done | Phase::Cancelled)
    }

    fn apply_worker(&mut self, response: Response) {
        match response {
            // The pool's own bookkeeping (see `client.rs`) never reaches the page's state.
            Response::Ready
            | Response::Planned { .. }
            | Response::PartDone { .. }
            | Response::Hashed { .. } => {}
            Response::Progress {
                phase,
                bytes_done,
                bytes_total,
                entries_done,
                current,
                ..
            } => {
                if self.phase == Phase::Scanning {
                    self.progress = ProgressState {
                        phase,
                        bytes_done,
                        bytes_total,
                        // Workers count their own entries; the files listed are the total.
                        entries_done: entries_done.max(self.files.len() as u64),
                        current,
                    };
                    self.refresh_views_now_and_then();
                }
            }
            Response::Batch {
                findings,
                files,
                diagnostics,
            } => {
                if self.phase == Phase::Scanning {
                    self.progress.entries_done = self
                        .progress
                        .entries_done
                        .max(self.files.len() as u64 + files.len() as u64);
                    let new = !findings.is_empty();
                    self.findings
                        .push_batch(findings.into_iter().map(Rc::new).collect());
                    self.files.push_batch(files);
                    self.diagnostics.push_batch(diagnostics);
                    if new {
                        self.views_stale = true;
                    }
                    self.refresh_views_now_and_then();
                }
            }
            Response::Done { report } => {
                if self.phase == Phase::Scanning {
                    self.phase = Phase::Done;
                    self.progress.bytes_done = self.progress.bytes_total;
                    self.diagnostics = Chunked::default();
                    self.diagnostics.push_batch(report.diagnostics.clone());
                    self.report = Some(Shared(Rc::from(*report)));
                    self.refresh_views();
                }
            }
            Response::Failed { message } => {
                if self.phase == Phase::Scanning {
                    self.phase = Phase::Failed(message);
                }
            }
            Response::Crash { message } => {
                if self.phase == Phase::Scanning {
                    self.phase = Phase::Failed(format!(
                        "The scanner stopped on an internal error ({message}). Findings listed so far are kept."
                    ));
                } else if let Some(src) = &mut self.source {
                    src.content = SourceContent::Unavailable(message);
                }
            }
            Response::Entry {
                path,
                kind,
                text,
                encoding,
                truncated,
                error,
            } => {
                let Some(src) = &mut self.source else { return };
                if src.path != path {
                    return;
                }
                src.content = match (text, error, kind) {
                    (_, Some(e), _) => SourceContent::Unavailable(e),
                    (Some(text), None, _) => SourceContent::Text {
                        text: Rc::from(text),
                        encoding: encoding.unwrap_or_default(),
                        truncated,
                    },
                    (None, None, Some(FileKind::Binary)) => {
                        SourceContent::Unavailable("Binary file: no text to show.".into())
                    }
                    (None, None, Some(FileKind::Archive)) => SourceContent::Unavailable(
                        "A nested archive: its entries are listed in the file tree.".into(),
                    ),
                    (None, None, Some(FileKind::Symlink)) => {
                        SourceContent::Unavailable("A symbolic link has no content.".into())
                    }
                    (None, None, Some(_)) => SourceContent::Unavailable(
                        "This entry was not read (see its finding).".into(),
                    ),
                    (None, None, None) => {
                        SourceContent::Unavailable("No such entry in the package.".into())
                    }
                };
            }
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        match action {
            Action::Start { name, size } => {
                s = State {
                    phase: Phase::Scanning,
                    name,
                    size,
                    progress: ProgressState {
                        phase: "hashing".into(),
                        bytes_total: size,
                        ..ProgressState::default()
                    },
                    filter: s.filter,
                    tab: s.tab,
                    profile_toml: s.profile_toml,
                    profile: s.profile,
                    // A notice about the profile this scan uses stays until dismissed.
                    notice: s.notice,
                    ..State::default()
                };
            }
            Action::ReportView(file, report) => {
                let mut next = State {
                    phase: Phase::Done,
                    name: report.package.name.clone(),
                    size: report.package.size,
                    filter: s.filter,
                    tab: s.tab,
                    profile_toml: s.profile_toml,
                    profile: s.profile,
                    report_view: Some(file),
                    ..State::default()
                };
                next.files.push_batch(report.files.clone());
                next.diagnostics.push_batch(report.diagnostics.clone());
                next.report = Some(Shared(Rc::from(*report)));
                next.refresh_views();
                s = next;
            }
            Action::Worker(r) => s.apply_worker(r),
            Action::Cancel => {
                if s.phase == Phase::Scanning {
                    s.phase = Phase::Cancelled;
                    s.refresh_views();
                }
            }
            Action::Elapsed(ms) => s.elapsed_ms = Some(ms),
            Action::Dragging(d) => s.dragging = d,
            Action::Tab(t) => s.tab = t,
            Action::Filter(f) => s.filter = f,
            Action::OpenSource { path, line } => {
                s.source = Some(Source {
                    path,
                    line,
                    content: SourceContent::Loading,
                })
            }
            Action::CloseSource => s.source = None,
            Action::Fail(message) => s.phase = Phase::Failed(message),
            Action::Profile(toml) => {
                if let Ok(p) = Profile::from_toml(&toml) {
                    s.profile = p;
                    s.profile_toml = toml;
                }
            }
            Action::ShowProfile(show) => s.show_profile = show,
            Action::ShowAbout(show) => s.show_about = show,
            Action::Notice(n) => s.notice = n,
        }
        Rc::new(s)
    }
}
