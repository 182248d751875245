//! Unit tests of the escapers; whole exports are tested in `tests/it/export.rs`.

use super::csv::cell;
use super::sarif::{level, message, uri};
use super::wiki::{Jira, Markdown, Syntax};
use super::*;
use crate::report::Severity;

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(Format::parse(f.name()), Some(f));
        assert_eq!(Format::parse(&f.name().to_uppercase()), Some(f));
    }
    assert_eq!(Format::parse("md"), Some(Format::Markdown));
    assert_eq!(Format::parse("text"), None);
    assert_eq!(Format::Sarif.mime(), "application/sarif+json");
}

#[test]
fn defang_breaks_autolinks() {
    assert_eq!(defang("see https://evil/x", false), "see https[:]//evil/x");
    assert_eq!(defang("WWW.evil.com", false), "WWW[.]evil.com");
    assert_eq!(defang("MailTo:a", false), "MailTo[:]a");
    assert_eq!(defang("a@b.c", true), "a[@]b.c");
    assert_eq!(defang("a@b.c", false), "a@b.c");
    assert_eq!(defang("ünï://", false), "ünï[:]//");
}

#[test]
fn markdown_text_escapes_every_construct() {
    let md = Markdown;
    assert_eq!(
        md.text("[x](http://evil)"),
        "\\[x\\]\\(http\\[:\\]//evil\\)"
    );
    assert_eq!(md.text("![i](u)"), "\\!\\[i\\]\\(u\\)");
    assert_eq!(md.text("<script>"), "\\<script\\>");
    assert_eq!(md.text("a|b"), "a\\|b");
    assert_eq!(md.text("line\nbreak"), "line\\<U\\+000A\\>break");
    assert_eq!(md.text("@team"), "\\[@\\]team");
    assert_eq!(md.text("plain words, ok."), "plain words, ok.");
}

#[test]
fn markdown_code_spans_are_fenced_past_backticks() {
    let md = Markdown;
    assert_eq!(md.code("etc/cron.d/x", true), "`etc/cron.d/x`");
    assert_eq!(md.code("a`b", false), "``a`b``");
    assert_eq!(md.code("`x``", false), "``` `x`` ```");
    assert_eq!(md.code("a|b", true), "`a\\|b`");
    assert_eq!(md.code("a|b", false), "`a|b`");
    assert_eq!(md.code("", true), "");
    assert_eq!(md.code("x\u{202e}y", false), "`x<U+202E>y`");
}

#[test]
fn jira_text_escapes_every_construct() {
    let j = Jira;
    assert_eq!(j.text("[~user]"), "\\[\\~user\\]");
    assert_eq!(j.text("{color:red}"), "\\{color:red\\}");
    assert_eq!(j.text("!a.png!"), "\\!a.png\\!");
    assert_eq!(j.text("[x|http://e]"), "\\[x\\|http\\[:\\]//e\\]");
    assert_eq!(j.text("\\\\srv"), "&#92;&#92;srv");
    assert_eq!(j.text("<b>&"), "&lt;b&gt;&amp;");
    assert_eq!(j.text("a-b_c*d"), "a\\-b\\_c\\*d");
}

#[test]
fn csv_cells_are_quoted_and_protected() {
    assert_eq!(cell("plain"), "plain");
    assert_eq!(cell("a,b"), "\"a,b\"");
    assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    assert_eq!(cell("+1"), "'+1");
    assert_eq!(cell("-x"), "'-x");
    assert_eq!(cell("@SUM(1)"), "'@SUM(1)");
    assert_eq!(cell("a\nb"), "a<U+000A>b");
    assert_eq!(cell("\tx"), "<U+0009>x");
    assert_eq!(cell(""), "");
}

#[test]
fn sarif_uris_stay_relative() {
    assert_eq!(
        uri("plugins/a.zip!/conf/b c.xml"),
        "plugins/a.zip!/conf/b%20c.xml"
    );
    assert_eq!(uri("/etc/shadow"), "%2Fetc/shadow");
    assert_eq!(uri("c:/x"), "c%3A/x");
    assert_eq!(uri("../../etc/passwd"), "../../etc/passwd");
    assert_eq!(uri("a\u{202e}b#?"), "a%E2%80%AEb%23%3F");
}

#[test]
fn sarif_levels_and_messages() {
    assert_eq!(level(Severity::Critical), "error");
    assert_eq!(level(Severity::High), "error");
    assert_eq!(level(Severity::Medium), "warning");
    assert_eq!(level(Severity::Low), "note");
    assert_eq!(level(Severity::Info), "note");
    assert_eq!(message("[x](http://e)"), "\\[x\\](http\\[:\\]//e)");
    assert_eq!(message("a\\b"), "a\\\\b");
}

#[test]
fn json_safe_escapes_bidi_inside_strings() {
    let json = json_safe("{\"a\":\"x\u{202e}y\u{2028}<&>\"}".to_string());
    assert_eq!(json, "{\"a\":\"x\\u202ey\\u2028\\u003c\\u0026\\u003e\"}");
    let back: Result<serde_json::Value, _> = serde_json::from_str(&json);
    assert_eq!(
        back.ok().and_then(|v| v["a"].as_str().map(String::from)),
        Some("x\u{202e}y\u{2028}<&>".to_string())
    );
}
