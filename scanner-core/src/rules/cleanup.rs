//! Rules of the `cleanup` detector.

use super::Rule;
use crate::report::{Category, Severity};

rules! { RULES;
    /// A feature flag the package sets, or one it marks as temporary.
    TEMPORARY_FLAG = "config.temporary-flag", Config, Low, "Temporary feature flag",
        what: "A feature-flag key the package sets (`feature.*`, `features.*`, `FF_*`, `*_FEATURE_*`, or an `*.enabled` / `*_ENABLED` switch) in properties, YAML, JSON, TOML or env files, when the key or a comment next to it says it is temporary: `temporary`, `temp`, `remove after`, `remove once`, `until`, `rollout`, `migration toggle`, `TODO remove`. Flags in a feature namespace without such a word are reported as info.",
        why: "Switches added for an upgrade outlive it: left on, they keep a compatibility path running that nobody tests any more; flipped back by a later configuration push, they re-enable the old behaviour. Every one of them is a step of the post-upgrade cleanup.",
        fix: "Write down each flag, its value during the upgrade and its value afterwards; remove it (or set it to its final value) once the upgrade is confirmed, and keep its pre-upgrade value for a rollback.";
    /// A webhook the upgrade registers.
    WEBHOOK_REGISTRATION = "config.webhook-registration", Config, Low, "Registers a webhook",
        what: "A script that registers a callback with another system (`curl -X POST` or httpie `http POST` to a `/register`, `/webhooks`, `/hooks` or `/subscriptions` path, PowerShell `Invoke-RestMethod -Method Post` naming a webhook), or a configuration key that holds a webhook or callback URL.",
        why: "A registration lives in the other system, not in the package: after the upgrade (or a rollback) the old and the new registration can both fire, send events twice or to an address that no longer answers.",
        fix: "List the registrations the upgrade makes; deregister the temporary ones once the upgrade is done, and deregister the new ones before rolling back so the previous version's registration is the only one left.";
    /// A credential made for the upgrade only.
    EPHEMERAL_CREDENTIAL = "config.ephemeral-credential", Config, Low, "Creates a temporary credential",
        what: "A credential the upgrade creates or uses for a limited time: secret-like keys prefixed `TEMP_` / `TMP_` / `tmp_`, a line saying the secret must be revoked or expires, `CREATE USER` / `CREATE ROLE` with a temporary-looking name, `aws iam create-access-key`, `vault token create`, `kubectl create token`, `gcloud iam service-accounts keys create`. The value is never shown.",
        why: "Temporary credentials are forgotten once the upgrade works: they stay valid, often with the broad rights the upgrade needed, and nobody owns them.",
        fix: "Note each credential and who created it; revoke or delete it as a cleanup step right after the upgrade, and check that nothing in the running system still uses it.";
    /// A job meant to run only for the upgrade.
    TEMPORARY_JOB = "config.temporary-job", Config, Low, "Temporary job",
        what: "A scheduled task, script or Kubernetes object that is meant to run only for the upgrade: named `*-once`, `*-oneshot`, `*-one-off` or `temporary`, commented `remove after upgrade`, `temporary`, `one-off`, `one-shot`, `run once`; a Kubernetes Job named after an upgrade or migration; a Helm hook on install or upgrade without `helm.sh/hook-delete-policy`.",
        why: "A one-shot job that stays scheduled runs again, against the upgraded system, at its next firing; a hook object that is never deleted blocks the next `helm upgrade` with an 'already exists' error.",
        fix: "Remove or disable the job once it has run (or give the Helm hook a `helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded`), and put its removal on the cleanup list.";
    /// The downtime the documentation announces.
    CLAIMED_DOWNTIME = "config.claimed-downtime", Config, Info, "Documentation claims a downtime",
        what: "A README, INSTALL, UPGRADE or release-notes sentence stating how long the upgrade interrupts the service: `five-minute downtime`, `downtime of about 10 minutes`, `zero downtime`, `no downtime`, `requires a restart`. The title gives the claimed minutes.",
        why: "The maintenance window is planned from this claim; it holds only if the migrations, restarts and jobs of the package fit in it. A claim that ignores a table rewrite or a blocking index build is how windows overrun.",
        fix: "Compare the claim with the package's locking migrations and restarts (see the checklist), rehearse the upgrade on a copy of production data, and plan the window from the measured time.";
}
