//! The archive walker and the archive-hygiene detector, end to end through `scan`.
//! Every test here also runs in headless Chromium (wasm-bindgen-test).

use crate::common::*;
use scanner_core::{
    read_entry, scan, Category, FileKind, Limits, NoSink, Profile, Progress, ScanError, ScanInput,
    ScanSink, Severity,
};
use std::io::Cursor;
use std::ops::ControlFlow;

const CLEAN: &str = r#"
//- /etc/cron.d/import
0 3 * * * root /opt/acme/bin/data-import.sh
//- /opt/acme/bin/data-import.sh
#!/bin/sh
sftp -b batch.txt import@sftp-legacy.example.net
//- /README.md
Acme suite 3.0 upgrade package.
"#;

case! {
    fn clean_package_lists_files_and_has_no_findings() {
        let report = scan_bytes(&fixture(CLEAN));
        let archive: Vec<_> = report.findings.iter().filter(|f| f.category == Category::Archive).collect();
        assert!(archive.is_empty(), "{archive:?}");
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        assert!(report.complete);
        assert_eq!(report.package.entries, 3);
        assert_eq!(report.package.format, "zip");
        assert_eq!(report.package.sha256.len(), 64);
        let paths: Vec<_> = report.files.iter().map(|f| (f.path.as_str(), f.kind)).collect();
        assert_eq!(
            paths,
            [
                ("etc/cron.d/import", FileKind::Text),
                ("opt/acme/bin/data-import.sh", FileKind::Text),
                ("README.md", FileKind::Text),
            ]
        );
        assert_eq!(report.reference_time, NOW);
    }
}

case! {
    fn hostile_names_are_archive_findings() {
        let zip = RawZip::default()
            .push(RawEntry::stored("../../etc/passwd", "x"))
            .push(RawEntry::stored("/etc/shadow", "x"))
            .push(RawEntry::stored("C:/Windows/evil.dll", "x"))
            .push(RawEntry::stored("invoice\u{202e}fdp.exe", "x"))
            .push(RawEntry::stored(b"caf\x82.txt".to_vec(), "x"))
            .push(RawEntry {
                unix_mode: Some(0o120777),
                ..RawEntry::stored("current", "/etc")
            })
            .push(RawEntry {
                flags: 1,
                ..RawEntry::stored("secrets.env", "encrypted-bytes")
            })
            .build();
        check(
            &zip,
            r#"
            high archive.path-traversal ../../etc/passwd: Entry name climbs out of the extraction folder: ../../etc/passwd
            high archive.absolute-path /etc/shadow: Entry name is an absolute path: /etc/shadow
            high archive.drive-letter C:/Windows/evil.dll: Entry name starts with a drive letter: C:/Windows/evil.dll
            high archive.symlink current: Symbolic link points outside the package: current -> /etc
            high archive.bidi-control invoice<U+202E>fdp.exe: Entry name contains a bidirectional control character: invoice<U+202E>fdp.exe
            medium archive.encrypted-entry secrets.env: Encrypted entry, content not inspected: secrets.env
            low archive.non-utf8-name café.txt: Entry name is not valid UTF-8 (shown decoded as CP437): café.txt
            "#,
        );
    }
}

case! {
    fn encrypted_entry_is_listed_not_read() {
        let zip = RawZip::default()
            .push(RawEntry { flags: 1, ..RawEntry::stored("a.txt", "secret") })
            .build();
        let report = scan_bytes(&zip);
        assert_eq!(report.files[0].kind, FileKind::Skipped);
        assert_eq!(report.findings[0].rule, "archive.encrypted-entry");
    }
}

case! {
    fn nested_archives_join_paths_with_bang_slash() {
        let inner_jar = zip_of(&[("META-INF/app.properties", b"db.url=jdbc:x\n")]);
        let tgz = gzip(&tar_of(&[("conf/a.conf", b"key=value\n"), ("lib/inner.jar", &inner_jar)]));
        let outer = zip_of(&[("plugins/p.tgz", &tgz), ("readme.txt", b"hi\n")]);
        let report = scan_bytes(&outer);
        let files: Vec<_> = report.files.iter().map(|f| (f.path.as_str(), f.kind)).collect();
        assert_eq!(
            files,
            [
                ("plugins/p.tgz!/conf/a.conf", FileKind::Text),
                ("plugins/p.tgz!/lib/inner.jar!/META-INF/app.properties", FileKind::Text),
                ("plugins/p.tgz!/lib/inner.jar", FileKind::Archive),
                ("plugins/p.tgz", FileKind::Archive),
                ("readme.txt", FileKind::Text),
            ]
        );
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        // Only the top-level archive's entries count for `package`.
        assert_eq!(report.package.entries, 2);
    }
}

case! {
    fn archives_are_found_by_magic_not_by_extension() {
        let inner = zip_of(&[("hidden.txt", b"found\n")]);
        let outer = zip_of(&[("data/blob.bin", &inner)]);
        let report = scan_bytes(&outer);
        assert!(report.files.iter().any(|f| f.path == "data/blob.bin!/hidden.txt"));
    }
}

case! {
    fn depth_limit_is_a_finding_and_the_rest_is_scanned() {
        let mut nested = zip_of(&[("deep.txt", b"bottom\n")]);
        for level in 0..3 {
            nested = zip_of(&[(&format!("level{level}.zip"), &nested)]);
        }
        let outer = zip_of(&[("a.zip", &nested), ("after.txt", b"still scanned\n")]);
        let mut profile = Profile::default();
        profile.limits.max_depth = 2;
        let report = scan_with(&outer, &profile);
        let rules: Vec<_> = report.findings.iter().map(|f| (f.rule.as_str(), f.path.as_str())).collect();
        assert_eq!(rules, [("archive.limit.depth", "a.zip!/level2.zip!/level1.zip")]);
        assert!(report.files.iter().any(|f| f.path == "after.txt" && f.kind == FileKind::Text));
        assert!(!report.files.iter().any(|f| f.path.ends_with("deep.txt")));
    }
}

case! {
    fn overlapping_entries_are_reported_and_inflated_once() {
        let mut z = RawZip::default().push(RawEntry { method: 8, ..RawEntry::stored("kernel", vec![b'a'; 100_000]) });
        for i in 0..50 {
            z = z.push(RawEntry { same_data_as: Some(0), ..RawEntry::stored(format!("copy{i}"), "") });
        }
        let report = scan_bytes(&z.build());
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].rule, "archive.overlapping-entries");
        assert!(report.findings[0].title.starts_with("50 entries"), "{}", report.findings[0].title);
        let read: Vec<_> = report.files.iter().filter(|f| f.kind == FileKind::Text).collect();
        assert_eq!(read.len(), 1);
    }
}

case! {
    fn ratio_limit_stops_a_deflate_bomb() {
        let text = vec![b' '; 8 << 20];
        let honest = RawZip::default()
            .push(RawEntry { method: 8, ..RawEntry::stored("bomb.txt", text.clone()) })
            .push(RawEntry::stored("next.txt", "scanned\n"))
            .build();
        let mut profile = Profile::default();
        profile.limits.max_ratio = 100;
        let report = scan_with(&honest, &profile);
        // The compressed size depends on the deflate implementation; the shape does not.
        let got = lines(&report);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("high archive.limit.ratio bomb.txt: Declares 8388608 bytes from "), "{got:?}");
        assert!(got[0].ends_with(", limit 100:1); not read"), "{got:?}");
        assert!(report.files.iter().any(|f| f.path == "next.txt" && f.kind == FileKind::Text));

        // A gzip layer declares nothing: its ratio is measured while it inflates.
        let gz_bomb = RawZip::default().push(RawEntry::stored("logs/app.log.gz", gzip(&text))).build();
        let report = scan_with(&gz_bomb, &profile);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].rule, "archive.limit.ratio");
        assert_eq!(report.findings[0].severity, Severity::High);
        assert!(report.findings[0].title.contains("reading stopped"), "{}", report.findings[0].title);
    }
}

case! {
    fn entry_and_total_byte_limits() {
        let big = "line of text\n".repeat(10_000);
        let zip = zip_of(&[("big.log", big.as_bytes()), ("small.txt", b"ok\n"), ("late.txt", b"late\n")]);
        let mut profile = Profile::default();
        profile.limits.max_entry_bytes = 1000;
        let report = scan_with(&zip, &profile);
        assert_eq!(lines(&report), ["low archive.limit.entry-bytes big.log: Only the first 1000 bytes were scanned"]);

        let mut profile = Profile::default();
        profile.limits.max_total_bytes = 2000;
        let report = scan_with(&zip, &profile);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].rule, "archive.limit.total-bytes");
        // Names are still listed after the limit.
        assert_eq!(report.files.len(), 3);
        assert_eq!(report.files[2].kind, FileKind::Skipped);
    }
}

case! {
    fn entry_count_limit() {
        let names: Vec<String> = (0..20).map(|i| format!("f{i:02}.txt")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x\n"[..])).collect();
        let mut profile = Profile::default();
        profile.limits.max_entries = 5;
        let report = scan_with(&zip_of(&entries), &profile);
        assert_eq!(report.files.len(), 5);
        assert_eq!(lines(&report), ["high archive.limit.entries : More than 5 entries: the scan stopped at f05.txt"]);
    }
}

case! {
    fn compression_methods_and_zip64() {
        let body = b"0 3 * * * root /opt/import.sh\n".repeat(50);
        for (method, zip64) in [
            (zip::CompressionMethod::Stored, false),
            (zip::CompressionMethod::Deflated, true),
            (zip::CompressionMethod::Bzip2, false),
            (zip::CompressionMethod::Xz, false),
        ] {
            let zip = zip_with(&[("etc/crontab", &body)], method, zip64);
            let report = scan_bytes(&zip);
            assert_eq!(report.files.len(), 1, "{method:?}");
            assert_eq!(report.files[0].kind, FileKind::Text, "{method:?} zip64={zip64}");
            assert!(report.diagnostics.is_empty(), "{method:?}: {:?}", report.diagnostics);
            let content = read_entry(Cursor::new(&zip), "p.zip", "etc/crontab", &Limits::default()).unwrap();
            assert_eq!(content.text.as_deref().map(str::len), Some(body.len()), "{method:?}");
        }
    }
}

case! {
    fn deflate64_and_lzma_written_by_7zip() {
        for (name, bytes) in [
            ("deflate64", &include_bytes!("../fixtures/deflate64.zip")[..]),
            ("lzma", &include_bytes!("../fixtures/lzma.zip")[..]),
        ] {
            let report = scan_bytes(bytes);
            assert!(report.diagnostics.is_empty(), "{name}: {:?}", report.diagnostics);
            assert_eq!(report.files[0].kind, FileKind::Text, "{name}");
            let c = read_entry(Cursor::new(bytes), "p.zip", "etc/crontab", &Limits::default()).unwrap();
            let text = c.text.unwrap_or_default();
            assert_eq!(text.len(), 1590, "{name}");
            assert!(text.ends_with("# line 39\n"), "{name}");
        }
    }
}

case! {
    fn utf16_text_is_decoded() {
        let xml: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("<Task><Exec/></Task>".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let zip = zip_of(&[("Tasks/Import.xml", &xml), ("bin/tool", b"\x7fELF\x02\x01\x01\0\0\0")]);
        let report = scan_bytes(&zip);
        assert_eq!(report.files[0].encoding.as_deref(), Some("utf-16le"));
        assert_eq!(report.files[1].kind, FileKind::Binary);
        let c = read_entry(Cursor::new(&zip), "p.zip", "Tasks/Import.xml", &Limits::default()).unwrap();
        assert_eq!(c.text.as_deref(), Some("<Task><Exec/></Task>"));
    }
}

case! {
    fn read_entry_opens_only_the_way_to_a_nested_entry() {
        let inner = zip_of(&[("conf/a.properties", b"a=1\n")]);
        let outer = zip_of(&[("first.txt", b"one\n"), ("plugins/p.zip", &inner)]);
        let c = read_entry(Cursor::new(&outer), "x.zip", "plugins/p.zip!/conf/a.properties", &Limits::default()).unwrap();
        assert_eq!(c.kind, Some(FileKind::Text));
        assert_eq!(c.text.as_deref(), Some("a=1\n"));
        let missing = read_entry(Cursor::new(&outer), "x.zip", "nope", &Limits::default()).unwrap();
        assert_eq!(missing.kind, None);
    }
}

case! {
    fn tar_gz_and_plain_gzip_packages() {
        let tgz = gzip(&tar_of(&[("etc/cron.d/x", b"0 3 * * * root x\n"), ("../evil", b"x\n")]));
        let report = scan_bytes(&tgz);
        assert_eq!(report.package.format, "tar.gz");
        assert_eq!(report.package.entries, 2);
        assert_eq!(report.findings[0].rule, "archive.path-traversal");

        let gz = gzip(b"plain text\n");
        let input = ScanInput { name: "notes.txt.gz", profile: &Profile::default(), now: NOW.parse().unwrap() };
        let report = scan(Cursor::new(gz), &input, &mut NoSink).unwrap();
        assert_eq!(report.package.format, "gzip");
        assert_eq!(report.files[0].path, "notes.txt");
        assert_eq!(report.files[0].kind, FileKind::Text);
    }
}

case! {
    fn bad_packages_are_typed_errors() {
        let input = ScanInput { name: "x", profile: &Profile::default(), now: NOW.parse().unwrap() };
        let err = |bytes: Vec<u8>| scan(Cursor::new(bytes), &input, &mut NoSink).unwrap_err();
        assert!(matches!(err(b"%PDF-1.7 ...".to_vec()), ScanError::NotAnArchive { looks_like: "a PDF document" }));
        assert!(matches!(err(Vec::new()), ScanError::NotAnArchive { looks_like: "an empty file" }));
        assert!(matches!(err(b"7z\xbc\xaf\x27\x1c\0\0".to_vec()), ScanError::UnsupportedFormat("7z")));
        let zip = fixture(CLEAN);
        let e = err(zip[..zip.len() / 2].to_vec());
        assert!(matches!(e, ScanError::Corrupt { .. }), "{e}");
        assert!(e.to_string().contains("damaged or truncated"), "{e}");
    }
}

case! {
    fn a_bad_entry_is_a_diagnostic_and_the_rest_is_scanned() {
        let mut zip = RawZip::default()
            .push(RawEntry { method: 8, ..RawEntry::stored("broken.txt", "some text that deflates\n".repeat(20)) })
            .push(RawEntry::stored("fine.txt", "fine\n"))
            .build();
        // Corrupt the deflate stream of the first entry (it starts after its 30-byte header and name).
        let data_start = 30 + "broken.txt".len();
        for b in &mut zip[data_start..data_start + 8] {
            *b = 0xff;
        }
        let report = scan_bytes(&zip);
        assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
        assert_eq!(report.diagnostics[0].path, "broken.txt");
        assert!(report.files.iter().any(|f| f.path == "fine.txt" && f.kind == FileKind::Text));
    }
}

case! {
    fn no_panic_on_damaged_bytes() {
        // Deterministic damage at many places of a package with every container kind.
        let inner = gzip(&tar_of(&[("a.txt", b"alpha\n"), ("b.zip", &zip_of(&[("c.txt", b"c\n")]))]));
        let pkg = zip_of(&[("x.tgz", &inner), ("y.txt", b"why\n")]);
        let mut seed = 0x9e3779b97f4a7c15u64;
        for i in 0..300 {
            let mut bytes = pkg.clone();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % bytes.len();
            match i % 3 {
                0 => bytes[at] ^= 0x5a,
                1 => bytes.truncate(at),
                _ => bytes[at..].iter_mut().take(16).for_each(|b| *b = 0xff),
            }
            let input = ScanInput { name: "x.zip", profile: &Profile::default(), now: NOW.parse().unwrap() };
            let _ = scan(Cursor::new(bytes), &input, &mut NoSink);
        }
    }
}

case! {
    fn ids_are_stable_and_ignore_hides_exactly_one() {
        let zip = RawZip::default()
            .push(RawEntry::stored("../a", "x"))
            .push(RawEntry::stored("../b", "x"))
            .build();
        let first = scan_bytes(&zip);
        let second = scan_bytes(&zip);
        let ids: Vec<_> = first.findings.iter().map(|f| f.id.clone()).collect();
        assert_eq!(ids, second.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>());
        assert_ne!(ids[0], ids[1]);
        let profile = Profile { ignore: vec![ids[0].clone()], ..Profile::default() };
        let filtered = scan_with(&zip, &profile);
        assert_eq!(filtered.findings.len(), 1);
        assert_eq!(filtered.findings[0].id, ids[1]);
    }
}

case! {
    fn duplicate_names_in_tar() {
        let t = tar_of(&[("etc/app.conf", b"a\n"), ("etc/app.conf", b"b\n")]);
        let report = scan_bytes(&t);
        assert_eq!(lines(&report), ["high archive.duplicate-name : 1 tar members repeat an earlier name; extracting keeps only the last copy"]);
    }
}

case! {
    fn cancelling_returns_what_was_found() {
        struct StopAfter(u64);
        impl ScanSink for StopAfter {
            fn progress(&mut self, p: &Progress<'_>) -> ControlFlow<()> {
                if p.entries_done >= self.0 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            }
        }
        let zip = RawZip::default()
            .push(RawEntry::stored("../one", "x"))
            .push(RawEntry::stored("../two", "x"))
            .push(RawEntry::stored("../three", "x"))
            .build();
        let input = ScanInput { name: "x.zip", profile: &Profile::default(), now: NOW.parse().unwrap() };
        let report = scan(Cursor::new(zip), &input, &mut StopAfter(1)).unwrap();
        assert!(!report.complete);
        assert_eq!(report.files.len(), 1, "stops after the entry that asked");
        assert_eq!(report.findings.len(), 1);
        assert!(report.diagnostics[0].message.contains("stopped"));
    }
}
