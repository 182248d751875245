//! Every committed fuzz corpus file and crash reproducer through its target's entry point
//! (`scanner_core::fuzz`, feature `fuzz`), so the test suite replays what fuzzing found; the
//! targets themselves need cargo-fuzz (`scripts/fuzz`). `scripts/test` runs this with
//! `--features scanner-core/fuzz` (Cargo.toml: `required-features`).

use std::path::{Path, PathBuf};

/// The files of one directory; a missing directory is an empty list.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Replays `fuzz/corpus/<target>/` and `tests/data/fuzz-reproducers/<target>/`. The corpus
/// must not be empty (it is the regression suite for the target).
fn replay(target: &str, run: fn(&[u8]) -> Result<(), String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = files(&root.join("../fuzz/corpus").join(target));
    assert!(!corpus.is_empty(), "no corpus for fuzz target {target}");
    let reproducers = files(&root.join("tests/data/fuzz-reproducers").join(target));
    for path in corpus.iter().chain(&reproducers) {
        let data = std::fs::read(path);
        assert!(data.is_ok(), "{}: {data:?}", path.display());
        let result = run(&data.unwrap_or_default());
        assert!(result.is_ok(), "{}: {result:?}", path.display());
    }
}

macro_rules! replay {
    ($($target:ident),* $(,)?) => {$(
        #[test]
        fn $target() {
            replay(stringify!($target), |data| {
                scanner_core::fuzz::$target(data);
                Ok(())
            });
        }
    )*};
}

replay!(
    walk,
    cron,
    oncalendar,
    windows_task,
    quartz_spring,
    sql_migration,
    certificate,
    config_properties,
    config_yaml,
    config_json,
    config_toml,
    config_ini,
    config_env,
    config_xml,
    schedule_manifests,
    migration_dsl,
    units,
    endpoints,
);

#[test]
fn credentials() {
    replay("credentials", scanner_core::fuzz::credentials);
}

#[test]
fn profile() {
    replay("profile", scanner_core::fuzz::profile);
}
