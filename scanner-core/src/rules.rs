//! The rule registry: every rule id a finding can carry, with the text a person needs to act on it.
//!
//! Each rule says what it finds, why that hurts an upgrade, and what to do. Exporters (SARIF's
//! `tool.driver.rules`, the rules page) are generated from [`all`]; a test checks that every rule
//! a detector emits is listed here.

use crate::report::{Category, Severity};

/// Description of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, `category.name`.
    pub id: &'static str,
    /// What the rule is about.
    pub category: Category,
    /// Severity of its findings unless the finding says otherwise.
    pub severity: Severity,
    /// Short name.
    pub name: &'static str,
    /// What it finds.
    pub what: &'static str,
    /// Why that hurts an upgrade.
    pub why: &'static str,
    /// What to do about it.
    pub fix: &'static str,
}

/// Declares rules as constants and lists them, in order, in a constant slice named first:
/// `rules! { LIST; KONST = "category.name", Category, Severity, "Name", what: .., why: .., fix: ..; }`.
macro_rules! rules {
    ($list:ident; $( $(#[$m:meta])* $konst:ident = $id:literal, $cat:ident, $sev:ident, $name:literal,
        what: $what:literal, why: $why:literal, fix: $fix:literal; )*) => {
        $( $(#[$m])* pub const $konst: Rule = Rule {
            id: $id, category: Category::$cat, severity: Severity::$sev, name: $name,
            what: $what, why: $why, fix: $fix,
        }; )*
        /// The rules of this module, in registry order.
        pub const $list: &[Rule] = &[$($konst),*];
    };
}

pub mod certificate;
pub mod cleanup;
pub mod config;
pub mod inventory;
pub mod migration;
pub mod unit;

/// Every rule: the core list (schedules, endpoints, credentials, archive), then each
/// category's own module.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    CORE.iter()
        .chain(migration::RULES)
        .chain(unit::RULES)
        .chain(certificate::RULES)
        .chain(config::RULES)
        .chain(inventory::RULES)
        .chain(cleanup::RULES)
}

rules! { CORE;
    /// Scheduled task: crontab entry.
    SCHEDULE_CRON = "schedule.cron", Schedule, Low, "Scheduled task (crontab entry)",
        what: "A line of a system or user crontab (etc/crontab, etc/cron.d, var/spool/cron, *.cron). The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: periodic cron script.
    SCHEDULE_CRON_PERIODIC = "schedule.cron-periodic", Schedule, Low, "Scheduled task (periodic cron script)",
        what: "A script in etc/cron.hourly, daily, weekly or monthly, run by run-parts. The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: anacron job.
    SCHEDULE_ANACRON = "schedule.anacron", Schedule, Low, "Scheduled task (anacron job)",
        what: "A job in an anacrontab: it runs once per period when the machine is up. The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: systemd timer.
    SCHEDULE_SYSTEMD_TIMER = "schedule.systemd-timer", Schedule, Low, "Scheduled task (systemd timer)",
        what: "A systemd .timer unit and the service it starts. The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: Kubernetes CronJob.
    SCHEDULE_K8S_CRONJOB = "schedule.k8s-cronjob", Schedule, Low, "Scheduled task (Kubernetes CronJob)",
        what: "A Kubernetes CronJob manifest. The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: Windows scheduled task.
    SCHEDULE_WINDOWS_TASK = "schedule.windows-task", Schedule, Low, "Scheduled task (Windows scheduled task)",
        what: "A Task Scheduler task definition (XML). The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: Quartz trigger.
    SCHEDULE_QUARTZ = "schedule.quartz", Schedule, Low, "Scheduled task (Quartz trigger)",
        what: "A Quartz cron trigger in properties or XML. The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: Spring @Scheduled method.
    SCHEDULE_SPRING = "schedule.spring", Schedule, Low, "Scheduled task (Spring @Scheduled method)",
        what: "A Spring @Scheduled annotation (cron, fixedRate, fixedDelay). The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: GitHub Actions schedule.
    SCHEDULE_GITHUB_ACTIONS = "schedule.github-actions", Schedule, Low, "Scheduled task (GitHub Actions schedule)",
        what: "A workflow's on.schedule cron. The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: Jenkins cron trigger.
    SCHEDULE_JENKINS = "schedule.jenkins", Schedule, Low, "Scheduled task (Jenkins cron trigger)",
        what: "A Jenkinsfile cron('...') trigger; H is a hashed value inside its range. The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// Scheduled task: Celery beat entry.
    SCHEDULE_CELERY = "schedule.celery", Schedule, Low, "Scheduled task (Celery beat entry)",
        what: "A Celery beat schedule entry (crontab(...) or an interval). The finding says when it fires, what it runs, as whom, and whether it fires inside the maintenance window.",
        why: "A task that fires during the maintenance window runs against a half-upgraded system: it fails, fills logs and disks, or talks to hosts that are gone. High when it fires inside the window, medium when it may (random delays, boot or restart triggers, intervals).",
        fix: "Disable or move the task for the window; after the upgrade check that what it runs still exists and still points at live hosts.";
    /// A schedule that cannot be read.
    SCHEDULE_INVALID = "schedule.invalid", Schedule, Medium, "Schedule not understood",
        what: "A schedule line that its scheduler would reject or that the scanner cannot read.",
        why: "Either the task never runs (and someone expects it to), or it runs at a time nobody reviewed.",
        fix: "Read the line: the finding says what is wrong with it. Fix it in the package or confirm with the vendor.";
    /// Endpoint on a retired host.
    ENDPOINT_RETIRED_HOST = "endpoint.retired-host", Endpoint, Critical, "Connects to a retired host",
        what: "A URL, connection string, UNC path, remote copy, host setting or address that points at a host the profile lists in `retired_hosts` (an exact name or `*.suffix`), outside documentation.",
        why: "The host is gone or going: whatever uses this endpoint fails at its first run after the upgrade, often at night from a scheduled job, with nobody watching.",
        fix: "Point the setting at the host that replaced it before the window (or remove the integration), and check the jobs that run this file.";
    /// URLs (JDBC included).
    ENDPOINT_URL = "endpoint.url", Endpoint, Low, "Connects to a URL",
        what: "A URL the package uses at run time: http(s), sftp, ftp, ssh, ldap, smtp, amqp, kafka, redis, mongodb, postgres, mysql, s3, ws and other schemes, and JDBC URLs. Passwords in it are masked. Medium for plain-text protocols (http, ftp, ldap, telnet, ws) to a remote host.",
        why: "After an upgrade the software connects to the same places as before: hosts renamed, moved or firewalled during the upgrade make it fail, and plain-text protocols may be refused by the new environment.",
        fix: "Check that the host exists and is reachable from the upgraded system, and prefer the encrypted variant of the protocol.";
    /// ADO.NET / ODBC connection strings.
    ENDPOINT_CONNECTION_STRING = "endpoint.connection-string", Endpoint, Low, "Connects to a database (connection string)",
        what: "An ADO.NET or ODBC connection string (`Server=tcp:host,1433;Database=..`, `Data Source=..`, `Host=..;Port=..`). Passwords in it are masked.",
        why: "A database server that moves, is renamed or is upgraded at the same time breaks the application at its first query after the upgrade.",
        fix: "Check the server and port against the target environment; move the string out of the package into the environment's configuration.";
    /// UNC paths.
    ENDPOINT_UNC_PATH = "endpoint.unc-path", Endpoint, Low, "Uses a network share (UNC path)",
        what: "A Windows UNC path (`\\\\server\\share`) in a script or configuration.",
        why: "File servers are often migrated or renamed; a share that is gone makes copies, backups and imports fail silently.",
        fix: "Check that the share exists and that the account the software runs as can reach it after the upgrade.";
    /// scp/rsync/ssh/sftp destinations.
    ENDPOINT_REMOTE_COPY = "endpoint.remote-copy", Endpoint, Low, "Copies to or logs into a remote host",
        what: "An scp, rsync, ssh or sftp command with a remote destination (`user@host:/path`), shell variables resolved from the same script.",
        why: "Transfers to partner or backup hosts break when the host or its keys change; a job that fails to copy often reports nothing.",
        fix: "Check the host and its SSH host key; make sure the job's account still has its key or credentials after the upgrade.";
    /// Host values of configuration keys.
    ENDPOINT_CONFIG_HOST = "endpoint.config-host", Endpoint, Low, "Host set in configuration",
        what: "A configuration key named like a host, server, address, URL or endpoint (`SFTP_HOST=..`, `cache.redis.host=..`, `host: db01`) whose value is a host name or address.",
        why: "The software connects to that host after the upgrade: a renamed or retired host breaks it.",
        fix: "Check the host against the target environment before the window.";
    /// Address literals.
    ENDPOINT_IP_ADDRESS = "endpoint.ip-address", Endpoint, Low, "Hard-coded IP address",
        what: "An IPv4 or IPv6 address literal in a script or configuration (version numbers, OIDs, networks and masks are left out).",
        why: "Addresses change when machines are moved or rebuilt during an upgrade, and nothing resolves them again.",
        fix: "Replace the address with a host name, or check it against the target environment.";
    /// Endpoints in documentation.
    ENDPOINT_DOCUMENTATION = "endpoint.documentation", Endpoint, Info, "Address in documentation",
        what: "A URL or address in documentation, examples, licences, package metadata, XML namespaces and schema locations, or comments and docstrings of source files.",
        why: "Nothing connects to it at run time; it is listed so that the endpoint inventory is complete.",
        fix: "Nothing to do.";
    /// Informational endpoints of one file beyond those listed one by one.
    ENDPOINT_MORE = "endpoint.more", Endpoint, Info, "More informational endpoints in one file",
        what: "A file with more informational endpoints (documentation, local, bundled, tables, log lines) than are listed one by one; the first ones are listed, the rest are counted here.",
        why: "Tens of thousands of addresses in logs or data files would bury the findings that matter; the count says they are there.",
        fix: "Open the file if its addresses matter to the upgrade; retired hosts are always listed one by one.";
    /// `../` in an entry name.
    PATH_TRAVERSAL = "archive.path-traversal", Archive, High, "Entry name climbs out of the folder",
        what: "An entry name contains a `..` component that leaves the extraction folder.",
        why: "An installer that extracts the package writes that file outside its target folder (zip-slip), over files the upgrade does not own.",
        fix: "Ask the vendor for a package without such names; extract with a tool that refuses them.";
    /// `/etc/x` as an entry name.
    ABSOLUTE_PATH = "archive.absolute-path", Archive, High, "Entry name is an absolute path",
        what: "An entry name starts with `/` or `\\`.",
        why: "Some extractors honour the absolute path and write the file anywhere on the host.",
        fix: "Ask the vendor for relative names; never extract this package as root with a permissive tool.";
    /// `C:\x` as an entry name.
    DRIVE_LETTER = "archive.drive-letter", Archive, High, "Entry name carries a drive letter",
        what: "An entry name starts with a Windows drive letter such as `C:`.",
        why: "On Windows an extractor may write the file to that drive, outside the target folder.",
        fix: "Ask the vendor for relative names.";
    /// Symbolic link entries.
    SYMLINK = "archive.symlink", Archive, Medium, "Symbolic link entry",
        what: "The package contains a symbolic link.",
        why: "A link extracted first and written through later lets a package place files anywhere; links also change which file an installer really reads.",
        fix: "Check where the link points; a link that leaves the package or points at an absolute path must be explained by the vendor.";
    /// Encrypted entries.
    ENCRYPTED_ENTRY = "archive.encrypted-entry", Archive, Medium, "Encrypted entry not inspected",
        what: "An entry is encrypted; its content was listed but not read.",
        why: "Nothing inside it was checked: scheduled tasks, endpoints or credentials in it are invisible to this review.",
        fix: "Get the password from the vendor and review the entry by hand, or ask for an unencrypted package.";
    /// Names that are not UTF-8.
    NON_UTF8_NAME = "archive.non-utf8-name", Archive, Low, "Entry name is not valid UTF-8",
        what: "An entry name is not valid UTF-8 and was decoded with a legacy code page.",
        why: "Different tools decode such names differently, so the file on disk may not be the file reviewed.",
        fix: "Compare the extracted name with the one shown here before trusting the entry.";
    /// Bidirectional control characters in names.
    BIDI_CONTROL = "archive.bidi-control", Archive, High, "Entry name hides its real order",
        what: "An entry name contains a bidirectional control character (such as U+202E, right-to-left override).",
        why: "The name displays differently from what it is: `report\u{202e}fdp.exe` shows as `reportexe.pdf`. This is how malware disguises executables.",
        fix: "Treat the entry as hostile; ask the vendor why it is there.";
    /// Other control characters in names.
    CONTROL_CHARACTER = "archive.control-character", Archive, Medium, "Entry name contains control characters",
        what: "An entry name contains control characters (newline, escape, NUL...).",
        why: "Such names break scripts and logs that handle the extracted files, and can hide the real name in a terminal.",
        fix: "Ask the vendor for plain names.";
    /// The same name twice.
    DUPLICATE_NAME = "archive.duplicate-name", Archive, High, "Two entries share one name",
        what: "Several central-directory records carry the same name.",
        why: "Different extractors keep different copies, so the file installed may not be the one reviewed.",
        fix: "Reject the package or extract it with the same tool the installer uses and review that result.";
    /// Overlapping entries.
    OVERLAPPING_ENTRIES = "archive.overlapping-entries", Archive, High, "Entries share the same bytes",
        what: "Several central-directory records point into the same compressed data.",
        why: "This is the construction of non-recursive zip bombs: a small file that inflates to gigabytes. The shared data was inflated once.",
        fix: "Do not extract this package with an unbounded tool; ask the vendor for a clean build.";
    /// Entry count limit.
    LIMIT_ENTRIES = "archive.limit.entries", Archive, High, "Entry limit reached",
        what: "The package has more entries than the scan limit; the rest were not scanned.",
        why: "Findings in the entries that were not scanned are missing from this review.",
        fix: "Raise `limits.max_entries` in the profile if the count is expected, and scan again.";
    /// Total bytes limit.
    LIMIT_TOTAL_BYTES = "archive.limit.total-bytes", Archive, High, "Total size limit reached",
        what: "The scan read as many uncompressed bytes as its limit allows; the rest was not scanned.",
        why: "Findings in the part that was not read are missing from this review.",
        fix: "Raise `limits.max_total_bytes` in the profile if the size is expected.";
    /// Bytes-per-entry limit.
    LIMIT_ENTRY_BYTES = "archive.limit.entry-bytes", Archive, Low, "Entry only partly scanned",
        what: "A text entry is larger than the bytes scanned per entry; only its beginning was scanned.",
        why: "Anything after the scanned part is not in this review.",
        fix: "Raise `limits.max_entry_bytes` in the profile or review the rest of the entry by hand.";
    /// Compression ratio limit.
    LIMIT_RATIO = "archive.limit.ratio", Archive, High, "Entry inflates suspiciously far",
        what: "An entry expands beyond the allowed compression ratio; reading stopped there.",
        why: "Ratios like this are the mark of a decompression bomb that fills disks during extraction.",
        fix: "Check the entry's declared size; ask the vendor why it compresses so far. Raise `limits.max_ratio` only for known data.";
    /// Nesting depth limit.
    LIMIT_DEPTH = "archive.limit.depth", Archive, Medium, "Archive nested too deep",
        what: "A nested archive lies deeper than the nesting limit and was not opened.",
        why: "Nothing inside it was scanned; archives nested this deep are also a bomb construction.",
        fix: "Raise `limits.max_depth` in the profile if the nesting is expected.";
    /// Nested archive too large to open.
    LIMIT_NESTED_SIZE = "archive.limit.nested-size", Archive, Medium, "Nested archive too large to open",
        what: "A nested ZIP is larger than the bytes the scanner may hold in memory to open it.",
        why: "Nothing inside it was scanned.",
        fix: "Raise `limits.max_nested_bytes` in the profile, or extract the nested archive and scan it on its own.";
    /// Nested archive in a format the scanner cannot open.
    UNSUPPORTED_NESTED = "archive.unsupported-nested", Archive, Info, "Nested archive format not opened",
        what: "An entry is an archive in a format the scanner does not open (7z, RAR, xz, bzip2 streams...).",
        why: "Nothing inside it was scanned.",
        fix: "Extract it and scan its content separately.";
    /// Credentials: cloud.
    CREDENTIAL_CLOUD = "credential.cloud", Credential, High, "Cloud provider credential in clear text",
        what: "A cloud provider key or token (AWS, Google Cloud, Azure, DigitalOcean, Linode, Heroku, Cloudflare, Alibaba...) written into a file of the package. Critical for keys that act for a whole account (AWS access keys, service-account private keys, storage account keys).",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: vcs-ci.
    CREDENTIAL_VCS_CI = "credential.vcs-ci", Credential, High, "Source control or CI token in clear text",
        what: "A GitHub, GitLab, Bitbucket, CircleCI, Travis, Jenkins or similar token written into a file of the package.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: package-registry.
    CREDENTIAL_PACKAGE_REGISTRY = "credential.package-registry", Credential, High, "Package registry token in clear text",
        what: "An npm, PyPI, NuGet, RubyGems, Docker Hub or similar publishing token written into a file of the package.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: payment.
    CREDENTIAL_PAYMENT = "credential.payment", Credential, High, "Payment provider key in clear text",
        what: "A Stripe, PayPal, Square, Adyen, Braintree, Shopify or similar secret key written into a file of the package.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: messaging.
    CREDENTIAL_MESSAGING = "credential.messaging", Credential, High, "Chat bot token or webhook in clear text",
        what: "A Slack, Discord, Microsoft Teams, Mattermost or Telegram bot token or incoming-webhook URL (the URL is the secret) written into a file of the package.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: saas.
    CREDENTIAL_SAAS = "credential.saas", Credential, High, "Service API key in clear text",
        what: "An API key of a hosted service (mail, SMS, monitoring, identity, search, AI, secrets managers...) written into a file of the package.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: database.
    CREDENTIAL_DATABASE = "credential.database", Credential, High, "Database password in clear text",
        what: "A database password in a connection string, a .pgpass line, PGPASSWORD or a mysql command line.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: private-key.
    CREDENTIAL_PRIVATE_KEY = "credential.private-key", Credential, Critical, "Private key in the package",
        what: "A private key (PEM RSA, EC, DSA, OpenSSH, PKCS#8, PuTTY) or the password of a key store, written into a file of the package.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: auth.
    CREDENTIAL_AUTH = "credential.auth", Credential, High, "Login in clear text (URL, header, command line)",
        what: "A user name and password in a URL (scheme://user:pass@host), an Authorization header, a curl -u or sshpass -p command, a .netrc or an htpasswd file, or a signed token (JWT).",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: generic.
    CREDENTIAL_GENERIC = "credential.generic", Credential, High, "Password or secret assigned in clear text",
        what: "A configuration key that names a password, secret, token or API key (properties, YAML, JSON, env, shell, XML, INI) with a literal value. Placeholders (${VAR}, {{ x }}, <changeme>, ...) and environment lookups are not reported.",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
    /// Credentials: custom.
    CREDENTIAL_CUSTOM = "credential.custom", Credential, High, "Secret matched by a profile rule",
        what: "A value matched by one of the `[[rules]]` of the reviewer's profile (gitleaks format).",
        why: "The secret travels with every copy of the package and outlives the upgrade: whoever reads the package can use it, and rotating it later breaks whatever still carries the old value. Findings under test, example and doc folders or in *.example/*.sample files are low: they are usually samples, but check them.",
        fix: "Move the secret to the target system's secret store or an environment variable the installer sets, rotate it (it has been disclosed), and keep the package free of it. If the value is a known sample, add `preflight:allow` to the line or ignore the finding by id in the profile.";
}

/// Look a rule up by id.
pub fn get(id: &str) -> Option<&'static Rule> {
    all().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed_by_category() {
        let mut seen = std::collections::HashSet::new();
        for r in all() {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.starts_with(&format!("{}.", r.category.as_str())),
                "{} must start with its category",
                r.id
            );
            assert!(!r.what.is_empty() && !r.why.is_empty() && !r.fix.is_empty());
        }
    }
}
