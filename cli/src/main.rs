//! `preflight`: scan an upgrade package from a pipeline.
//!
//! ```text
//! preflight scan PACKAGE [--profile FILE] [--now RFC3339]
//!                        [--format text|json|markdown|jira|sarif|csv]
//!                        [--out FILE] [--fail-on SEVERITY] [--jobs N]
//! ```
//! Exit status: 0 scanned, 1 a finding at or above `--fail-on`, 2 the input or the arguments
//! could not be used (one line on stderr says why).

mod split;
mod text;

use clap::{Parser, Subcommand, ValueEnum};
use scanner_core::export::{export, ExportOptions, Format as ExportFormat};
use scanner_core::{DateTime, Profile, ScanInput, Severity, Utc};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "preflight",
    version,
    about = "Inspect a software upgrade package before it is installed."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan a package (ZIP, jar, war, tar, tar.gz) and report what can hurt the upgrade.
    Scan(ScanArgs),
}

#[derive(clap::Args)]
struct ScanArgs {
    /// The package file.
    package: PathBuf,
    /// Reviewer profile (TOML).
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// Reference instant for next runs and expiry (RFC 3339); default: the clock.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Exit with status 1 when a finding has this severity or a higher one.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Threads that scan parts of a ZIP package at once; default: one per core. The report is
    /// the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Human-readable summary and findings.
    Text,
    /// The preflight-report/1 JSON document.
    Json,
    /// A ticket summary in GitHub / GitLab Markdown.
    Markdown,
    /// A ticket summary in Jira wiki markup.
    Jira,
    /// SARIF 2.1.0 for code scanning (GitHub and other SARIF viewers).
    Sarif,
    /// One CSV row per finding.
    Csv,
}

/// An export of every finding and the whole checklist; the CLI has no checklist marks.
fn exported(format: ExportFormat, report: &scanner_core::Report) -> String {
    let marks = std::collections::BTreeMap::new();
    let opts = ExportOptions {
        only: None,
        checklist_only: false,
        marks: &marks,
    };
    export(format, report, &opts)
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 instant ({e}), e.g. 2026-11-28T02:00:00+01:00"))
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// A failure that ends the program with status 2 and one line on stderr.
struct Fatal(String);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // clap's message spans several lines; pipelines want one.
            // clap's message spans several lines (message, usage, hint); pipelines want one:
            // the message block, its lines joined.
            let rendered = e.render().to_string();
            let message = rendered
                .split("\n\n")
                .next()
                .unwrap_or("invalid arguments")
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let message = message.trim_start_matches("error: ");
            eprintln!("preflight: {message} (see preflight scan --help)");
            return ExitCode::from(2);
        }
    };
    let Command::Scan(args) = cli.command;
    match run(&args) {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("preflight: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &ScanArgs) -> Result<ExitCode, Fatal> {
    let profile = match &args.profile {
        None => Profile::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Fatal(format!("cannot read profile {}: {e}", path.display())))?;
            Profile::from_toml(&text).map_err(|e| Fatal(format!("{}: {e}", path.display())))?
        }
    };
    let name = args
        .package
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = ScanInput {
        name: &name,
        profile: &profile,
        now: args.now.unwrap_or_else(Utc::now),
    };
    let jobs = args.jobs.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let report = split::scan(&args.package, &input, jobs).map_err(|e| match e {
        split::Error::Open(e) => Fatal(format!("cannot open {}: {e}", args.package.display())),
        split::Error::Scan(e) => Fatal(format!("{}: {e}", args.package.display())),
    })?;
    let rendered = match args.format {
        Format::Json => report.to_json() + "\n",
        Format::Text => text::render(&report),
        Format::Markdown => exported(ExportFormat::Markdown, &report),
        Format::Jira => exported(ExportFormat::Jira, &report),
        Format::Sarif => exported(ExportFormat::Sarif, &report),
        Format::Csv => exported(ExportFormat::Csv, &report),
    };
    match &args.out {
        Some(path) => std::fs::write(path, rendered)
            .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = out.write_all(rendered.as_bytes());
        }
    }
    let failed = args
        .fail_on
        .is_some_and(|threshold| report.max_severity().is_some_and(|s| s >= threshold));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
