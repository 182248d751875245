//! Zips `public/sample-package/` into the sample package the page offers ("try the sample").
//!
//! A folder named `NAME.jar.d` (or `.zip.d`, `.war.d`) becomes a nested archive entry `NAME.jar`,
//! so the sample shows nested paths. One symbolic link is added by hand (git keeps links poorly
//! across platforms). Timestamps are fixed, so the sample's SHA-256 is the same on every build.

use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("read {}: {e}", d.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() && !is_nested(&p) {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn is_nested(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".jar.d", ".zip.d", ".war.d"]
        .iter()
        .any(|s| name.ends_with(s))
}

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

fn zip_dir(dir: &Path) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for path in files_under(dir) {
        let rel = path.strip_prefix(dir).expect("under dir");
        let mut name = rel.to_string_lossy().replace('\\', "/");
        let body = if is_nested(&path) {
            name.truncate(name.len() - 2);
            zip_dir(&path)
        } else {
            fs::read(&path).expect("read sample file")
        };
        let opts = if name.ends_with(".sh") {
            options().unix_permissions(0o755)
        } else {
            options()
        };
        w.start_file(name, opts).expect("zip entry");
        w.write_all(&body).expect("zip write");
    }
    if dir.ends_with("sample-package") {
        w.add_symlink("opt/acme/conf/env", "/etc/acme/env", options())
            .expect("symlink");
    }
    w.finish().expect("zip finish").into_inner()
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/sample-package");
    // Cargo scans a directory named here recursively for changes.
    println!("cargo:rerun-if-changed={}", dir.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("sample.zip");
    fs::write(out, zip_dir(&dir)).expect("write sample.zip");
}
