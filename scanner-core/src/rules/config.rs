//! Rules of the `config` detector: configuration keys and Kubernetes API versions that the
//! upgrade deprecates or removes. (Other `config.*` rules, about temporary flags and
//! registrations, live in [`super::cleanup`].)

use super::Rule;
use crate::report::{Category, Severity};

rules! { RULES;
    /// A key the target release no longer reads.
    REMOVED_KEY = "config.removed-key", Config, High, "Configuration key removed by the upgrade",
        what: "A key of a configuration file (properties, YAML, JSON, TOML, INI/.conf/.cfg, .env, XML) that matches a row of the profile's deprecation matrix (`[[deprecations]]`) whose removal release is at or below the component's target version. Keys are compared as found, with list indexes written either way (`a[0].b` or `a.0.b`), and in relaxed form (case, dashes and underscores ignored; `CACHE_REDIS_HOST` is `cache.redis.host`). Low when the profile gives no target version for the component.",
        why: "After the upgrade the software ignores the key or refuses to start: a setting the operators rely on (a host, a pool size, a security switch) silently falls back to its default, and the failure shows up only once the new version runs.",
        fix: "Rename the key to the replacement the finding names (or remove it when there is none) in the package and in every copy of the file the environment keeps, and check the value still means the same under the new key.";
    /// A key the target release still reads but deprecates.
    DEPRECATED_KEY = "config.deprecated-key", Config, Medium, "Configuration key deprecated",
        what: "A configuration key that matches a row of the profile's deprecation matrix whose deprecation release is at or below the component's target version, while its removal (if any) is later. Low when the profile gives no target version for the component.",
        why: "The key still works after this upgrade, but the next one removes it; deprecated keys also often log warnings at every start and may already behave differently from their replacement.",
        fix: "Move to the replacement the finding names while the old key is still accepted, so the next upgrade does not have to do it under pressure.";
    /// A Kubernetes object whose API version the target cluster no longer serves.
    K8S_REMOVED_API = "config.k8s-removed-api", Config, High, "Kubernetes API version removed",
        what: "A Kubernetes manifest (YAML or JSON, Helm chart templates included) whose apiVersion and kind the built-in table of Kubernetes API removals says is no longer served at or below `target_versions.kubernetes`. Low, with the removal release in the title, when the profile gives no Kubernetes target.",
        why: "The API server of the target cluster rejects the manifest: `kubectl apply` or `helm upgrade` fails during the window, and the objects it should create or update are missing.",
        fix: "Rewrite the manifest for the apiVersion the finding names (check the fields that changed between the versions, e.g. an Ingress backend or a CRD schema), or drop it when there is no replacement.";
    /// A Kubernetes object whose API version the target cluster deprecates.
    K8S_DEPRECATED_API = "config.k8s-deprecated-api", Config, Medium, "Kubernetes API version deprecated",
        what: "A Kubernetes manifest whose apiVersion and kind have a successor served at or below `target_versions.kubernetes` and will be removed in a later release. Low when the profile gives no Kubernetes target.",
        why: "The cluster still accepts it but warns, and the removal release is usually only a few minor versions away: the next cluster upgrade breaks the deployment.",
        fix: "Move the manifest to the apiVersion the finding names now, while both versions are served.";
    /// Too many matches in one file.
    FINDINGS_CAPPED = "config.deprecations-capped", Config, Info, "More deprecated keys than reported",
        what: "A file with more deprecated or removed keys and API versions than the scanner reports for one file (500), or with more keys than it compares with the matrix (100,000); the rest are left out of the report.",
        why: "The findings shown are only a part of what has to change in that file; a reviewer counting them underestimates the work.",
        fix: "Run the matrix over the file with a targeted tool (or split the file) and migrate it as a whole.";
}
