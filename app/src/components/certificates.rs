//! Certificates: a validity timeline against "now" and the maintenance window, then one row
//! per certificate with what is wrong with it (expired, expiring, weak, chain), and the key
//! stores the package carries.

use super::{severity_badge, source_link};
use crate::state::Shared;
use chrono::{DateTime, Duration, Utc};
use scanner_core::report::CertificateInfo;
use scanner_core::text::visible;
use scanner_core::{Finding, Profile, Severity};
use std::collections::BTreeMap;
use yew::prelude::*;

/// Props of [`Certificates`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Certificate findings.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// The profile in force (its window).
    pub profile: Profile,
    /// The report's reference instant.
    pub now: DateTime<Utc>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

fn parse(t: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The common name of a distinguished name, else the whole name.
fn short_name(dn: &str) -> String {
    dn.split(',')
        .find_map(|part| part.trim().strip_prefix("CN="))
        .unwrap_or(dn)
        .to_string()
}

/// One certificate: its inventory finding and the problems found with it.
struct Cert<'f> {
    info: &'f CertificateInfo,
    inventory: &'f Finding,
    problems: Vec<&'f Finding>,
}

impl Cert<'_> {
    fn worst(&self) -> Severity {
        self.problems
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info)
    }
}

/// The certificates view.
#[component]
pub fn Certificates(props: &Props) -> Html {
    if props.findings.is_empty() {
        return html! {
            <p class="empty" data-testid="certificates-empty">
                {format!("No certificates or key stores found in {} files. Checked: PEM blocks in any text file, DER certificates, PKCS#7 bundles, PKCS#12, JKS, JCEKS and BKS key stores.", props.files)}
            </p>
        };
    }
    // Group by certificate (fingerprint and file); problems join their certificate.
    let mut certs: BTreeMap<(String, String), Cert<'_>> = BTreeMap::new();
    let mut stores: Vec<&Finding> = Vec::new();
    let mut other: Vec<&Finding> = Vec::new();
    for f in props
        .findings
        .iter()
        .filter(|f| f.rule == "certificate.inventory")
    {
        let Some(info) = &f.certificate else { continue };
        let key = (f.path.clone(), info.sha256.clone().unwrap_or_default());
        certs.insert(
            key,
            Cert {
                info,
                inventory: f,
                problems: Vec::new(),
            },
        );
    }
    for f in props
        .findings
        .iter()
        .filter(|f| f.rule != "certificate.inventory")
    {
        if f.rule == "certificate.keystore" {
            stores.push(f);
            continue;
        }
        let key = f
            .certificate
            .as_ref()
            .map(|c| (f.path.clone(), c.sha256.clone().unwrap_or_default()));
        match key.and_then(|k| certs.get_mut(&k)) {
            Some(c) => c.problems.push(f),
            None => other.push(f),
        }
    }
    let mut list: Vec<Cert<'_>> = certs.into_values().collect();
    list.sort_by(|a, b| {
        b.worst()
            .cmp(&a.worst())
            .then_with(|| a.info.not_after.cmp(&b.info.not_after))
    });
    let rows = list.iter().map(|c| {
        let i = c.info;
        let problems = c.problems.iter().map(|p| {
            html! { <li>{severity_badge(p.severity)}{" "}{visible(&p.title).into_owned()}</li> }
        });
        let until = parse(i.not_after.as_deref())
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "—".into());
        html! {
            <tr data-testid="certificate-row" data-role={i.role.clone().unwrap_or_default()}
                data-severity={c.worst().as_str()}>
                <td>{severity_badge(c.worst())}</td>
                <td class="title">
                    <div><strong>{visible(&short_name(&i.subject)).into_owned()}</strong>
                        if let Some(role) = &i.role { <span class="tag">{role}</span> }</div>
                    <div class="muted small">{format!("issued by {}", visible(&short_name(&i.issuer)))}</div>
                    if !i.sans.is_empty() {
                        <div class="muted small">{visible(&i.sans.join(", ")).into_owned()}</div>
                    }
                    if !c.problems.is_empty() { <ul class="problems">{for problems}</ul> }
                </td>
                <td class="num">{until}</td>
                <td>{i.key.clone().unwrap_or_default()}</td>
                <td>{i.signature_algorithm.clone().unwrap_or_default()}</td>
                <td class="path">{source_link(c.inventory, &props.on_open)}
                    if let Some(key) = &i.private_key {
                        <div class="muted small">{format!("private key: {}", visible(key))}</div>
                    }
                </td>
            </tr>
        }
    });
    let store_rows = stores.iter().map(|f| {
        html! {
            <li data-testid="keystore-row">{severity_badge(f.severity)}{" "}{visible(&f.title).into_owned()}{" "}{source_link(f, &props.on_open)}</li>
        }
    });
    let other_rows = other.iter().map(|f| {
        html! {
            <li>{severity_badge(f.severity)}{" "}{visible(&f.title).into_owned()}{" "}{source_link(f, &props.on_open)}</li>
        }
    });
    html! {
        <section class="certificates" data-testid="certificates" aria-label="certificates">
            {timeline(&list, props)}
            if !list.is_empty() {
                <div class="grid-wrap">
                    <table class="grid">
                        <thead><tr>
                            <th>{"Severity"}</th><th>{"Certificate"}</th><th>{"Valid until"}</th>
                            <th>{"Key"}</th><th>{"Signature"}</th><th>{"Where"}</th>
                        </tr></thead>
                        <tbody>{for rows}</tbody>
                    </table>
                </div>
            }
            if !stores.is_empty() {
                <h3>{"Key stores (not opened: they need a password)"}</h3>
                <ul class="plain">{for store_rows}</ul>
            }
            if !other.is_empty() {
                <h3>{"Other certificate findings"}</h3>
                <ul class="plain">{for other_rows}</ul>
            }
        </section>
    }
}

const W: f64 = 1000.0;
const ROW: f64 = 18.0;
const HEAD: f64 = 22.0;

/// Validity bars from `now - 1 year` to `now + 2 years`, with "now" and the window marked.
fn timeline(list: &[Cert<'_>], props: &Props) -> Html {
    let from = props.now - Duration::days(365);
    let to = props.now + Duration::days(730);
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| ((t - from).num_seconds() as f64 / span * W).clamp(0.0, W);
    let dated: Vec<&Cert<'_>> = list.iter().filter(|c| c.info.not_after.is_some()).collect();
    if dated.is_empty() {
        return Html::default();
    }
    let height = HEAD + ROW * dated.len() as f64 + 4.0;
    let years = (0..4).filter_map(|k| {
        let year = from.format("%Y").to_string().parse::<i32>().ok()? + k;
        let t = format!("{year}-01-01T00:00:00Z").parse::<DateTime<Utc>>().ok()?;
        (t > from && t < to).then(|| {
            html! {
                <g>
                    <line x1={x(t).to_string()} x2={x(t).to_string()} y1="0" y2={height.to_string()} class="tl-day" />
                    <text x={(x(t) + 4.0).to_string()} y="14" class="tl-label">{year.to_string()}</text>
                </g>
            }
        })
    });
    let band = props.profile.maintenance_window.map(|w| {
        let (a, b) = (x(w.start.with_timezone(&Utc)), x(w.end.with_timezone(&Utc)));
        html! {
            <rect x={a.to_string()} y="0" width={(b - a).max(3.0).to_string()} height={height.to_string()} class="tl-window" data-testid="cert-timeline-window">
                <title>{"Maintenance window"}</title>
            </rect>
        }
    });
    let rows = dated.iter().enumerate().map(|(i, c)| {
        let y = HEAD + ROW * i as f64;
        let start = parse(c.info.not_before.as_deref()).unwrap_or(from);
        let end = parse(c.info.not_after.as_deref()).unwrap_or(to);
        let (a, b) = (x(start), x(end));
        let class = match c.worst() {
            Severity::Critical | Severity::High => "cert-bar bad",
            Severity::Medium => "cert-bar warn",
            _ => "cert-bar",
        };
        let worst = c.worst();
        let label = format!(
            "{} — {} to {} — {}",
            visible(&short_name(&c.info.subject)),
            start.format("%Y-%m-%d"),
            end.format("%Y-%m-%d"),
            worst.as_str()
        );
        // The severity is written on the row with its icon, not told by the bar's colour alone.
        let text = format!(
            "{} {} · {}",
            super::severity_icon(worst),
            worst.as_str(),
            visible(&short_name(&c.info.subject))
        );
        html! {
            <g data-testid="cert-timeline-row" data-severity={worst.as_str()}>
                if i % 2 == 0 { <rect x="0" y={y.to_string()} width={W.to_string()} height={ROW.to_string()} class="tl-stripe" /> }
                <rect x={a.to_string()} y={(y + 4.0).to_string()} width={(b - a).max(2.0).to_string()} height={(ROW - 8.0).to_string()} class={class}>
                    <title>{label.clone()}</title>
                </rect>
                <text x={(a.min(W - 200.0) + 4.0).to_string()} y={(y + ROW - 5.0).to_string()} class="tl-label cert-label">{text}</text>
            </g>
        }
    });
    let now_x = x(props.now);
    html! {
        <figure class="timeline" data-testid="cert-timeline">
            <svg viewBox={format!("0 0 {W} {height}")} preserveAspectRatio="none" role="img"
                aria-label="validity of each certificate against now and the maintenance window">
                {for years}
                {for rows}
                {for band}
                <line x1={now_x.to_string()} x2={now_x.to_string()} y1="0" y2={height.to_string()} class="tl-now" />
            </svg>
            <figcaption class="muted small">
                {"Validity of each certificate from a year ago to two years ahead; the dashed line is now. "}
                if props.profile.maintenance_window.is_some() { {"The shaded band is the maintenance window. "} }
                {"Each bar is labelled with the severity of its worst problem; red bars (critical or high) have, for example, expired or expire before the window ends."}
            </figcaption>
        </figure>
    }
}
