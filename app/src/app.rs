//! The root component: owns the state and the scan worker, and lays the page out.

use crate::client::ScanClient;
use crate::components::about::{About, BuildInfo};
use crate::components::certificates::Certificates;
use crate::components::checklist::Checklist;
use crate::components::config::Config;
use crate::components::credentials::Credentials;
use crate::components::drop_zone::{drop_handler, DropZone};
use crate::components::endpoints::Endpoints;
use crate::components::export::ExportBar;
use crate::components::file_tree::FileTree;
use crate::components::findings::Findings;
use crate::components::header::Header;
use crate::components::inventory::Inventory;
use crate::components::migrations::Migrations;
use crate::components::profile_panel::ProfilePanel;
use crate::components::progress::ProgressBar;
use crate::components::schedules::Schedules;
use crate::components::source_view::SourceView;
use crate::components::stories::Stories;
use crate::components::summary::Summary;
use crate::components::units::Units;
use crate::format;
use crate::protocol::{Request, Response};
use crate::state::{Action, Filter, Phase, State, Tab};
use scanner_core::text::visible;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File};
use yew::prelude::*;

/// The built-in sample package (see `app/build.rs`).
static SAMPLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/sample.zip"));
/// Its file name.
pub const SAMPLE_NAME: &str = "acme-suite-3.0-upgrade-sample.zip";

/// What the page keeps outside the rendered state.
struct Session {
    client: Option<ScanClient>,
    /// The package being shown, for source views.
    file: Option<(Blob, String)>,
    started_ms: f64,
}

fn sample_blob() -> Option<Blob> {
    let bytes = js_sys::Uint8Array::from(SAMPLE);
    let parts = js_sys::Array::of1(&bytes);
    Blob::new_with_u8_array_sequence(&parts).ok()
}

/// The page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let toml = crate::settings::load();
        State {
            profile: scanner_core::Profile::from_toml(&toml).unwrap_or_default(),
            profile_toml: toml,
            ..State::default()
        }
    });
    // What the bundle wrote about this build (version, offline file); read once.
    let build = use_memo((), |_| BuildInfo::read());
    let session = use_mut_ref(|| Session {
        client: None,
        file: None,
        started_ms: 0.0,
    });

    let client = {
        let dispatcher = state.dispatcher();
        let session = session.clone();
        move || -> ScanClient {
            let mut s = session.borrow_mut();
            if let Some(c) = &s.client {
                return c.clone();
            }
            let for_done = session.clone();
            let dispatcher = dispatcher.clone();
            let c = ScanClient::new(Callback::from(move |r: Response| {
                if matches!(r, Response::Done { .. } | Response::Failed { .. }) {
                    finish(&for_done, &dispatcher);
                }
                dispatcher.dispatch(Action::Worker(r));
            }));
            s.client = Some(c.clone());
            c
        }
    };

    // The profile travels with each request; a ref keeps the latest for the callbacks.
    let profile_ref = use_mut_ref(String::new);
    *profile_ref.borrow_mut() = state.profile_toml.clone();
    let start_scan = {
        let dispatcher = state.dispatcher();
        let session = session.clone();
        let client = client.clone();
        let profile_ref = profile_ref.clone();
        Rc::new(move |blob: Blob, name: String| {
            let c = client();
            {
                let mut s = session.borrow_mut();
                s.file = Some((blob.clone(), name.clone()));
                s.started_ms = js_sys::Date::now();
            }
            dispatcher.dispatch(Action::Start {
                name: name.clone(),
                size: blob.size() as u64,
            });
            let now = String::from(js_sys::Date::new_0().to_iso_string());
            let profile = profile_ref.borrow().clone();
            c.scan(blob, name, profile, now);
        })
    };

    // Profiles dropped with a package (`*.toml`) are read first; the package waits for them,
    // so its scan uses the dropped profile. A profile that does not read is a notice with its
    // line, and the profile in force stays.
    let pending = use_mut_ref(|| (0u32, None::<File>));
    let on_file = {
        let start_scan = start_scan.clone();
        let dispatcher = state.dispatcher();
        let pending = pending.clone();
        let session = session.clone();
        let profile_ref = profile_ref.clone();
        Callback::from(move |file: File| {
            let name = file.name();
            if name.to_ascii_lowercase().ends_with(".json") {
                // A report exported earlier: shown without its package.
                let dispatcher = dispatcher.clone();
                let session = session.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let text = wasm_bindgen_futures::JsFuture::from(file.text())
                        .await
                        .ok()
                        .and_then(|v| v.as_string())
                        .unwrap_or_default();
                    match serde_json::from_str::<scanner_core::Report>(&text) {
                        Ok(report) if report.schema == scanner_core::SCHEMA_ID => {
                            // Its checklist ticks join the ones this browser kept.
                            let sha = report.package.sha256.clone();
                            let mut marks = crate::components::checklist::load(&sha);
                            for item in &report.checklist {
                                if (item.done || !item.note.is_empty())
                                    && !marks.contains_key(&item.id)
                                {
                                    marks.insert(
                                        item.id.clone(),
                                        scanner_core::export::ChecklistMark {
                                            done: item.done,
                                            note: item.note.clone(),
                                        },
                                    );
                                }
                            }
                            crate::components::checklist::save(&sha, &marks);
                            session.borrow_mut().file = None;
                            dispatcher.dispatch(Action::Notice(None));
                            dispatcher.dispatch(Action::ReportView(name, Box::new(report)));
                        }
                        Ok(report) => dispatcher.dispatch(Action::Notice(Some(format!(
                            "{name} is a report of another format ({}); Preflight reads {}.",
                            report.schema,
                            scanner_core::SCHEMA_ID
                        )))),
                        Err(e) => dispatcher.dispatch(Action::Notice(Some(format!(
                            "{name} is not a Preflight report: {e}"
                        )))),
                    }
                });
                return;
            }
            if !crate::components::drop_zone::is_profile(&name) {
                if pending.borrow().0 > 0 {
                    pending.borrow_mut().1 = Some(file);
                } else {
                    start_scan(file.into(), name);
                }
                return;
            }
            pending.borrow_mut().0 += 1;
            let dispatcher = dispatcher.clone();
            let pending = pending.clone();
            let session = session.clone();
            let profile_ref = profile_ref.clone();
            let start_scan = start_scan.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string());
                let applied = match text.map(|t| (scanner_core::Profile::from_toml(&t), t)) {
                    None => {
                        dispatcher.dispatch(Action::Notice(Some(format!(
                            "The profile {name} could not be read."
                        ))));
                        false
                    }
                    Some((Err(e), _)) => {
                        dispatcher.dispatch(Action::Notice(Some(format!(
                            "The profile {name} was not applied: {e}"
                        ))));
                        false
                    }
                    Some((Ok(_), text)) => {
                        crate::settings::save(&text);
                        *profile_ref.borrow_mut() = text.clone();
                        dispatcher.dispatch(Action::Profile(text));
                        dispatcher
                            .dispatch(Action::Notice(Some(format!("Profile {name} applied."))));
                        true
                    }
                };
                let next = {
                    let mut p = pending.borrow_mut();
                    p.0 = p.0.saturating_sub(1);
                    if p.0 == 0 {
                        p.1.take()
                    } else {
                        None
                    }
                };
                match next {
                    Some(pkg) => {
                        let n = pkg.name();
                        start_scan(pkg.into(), n);
                    }
                    None if applied && pending.borrow().0 == 0 => {
                        // Rescan the package on screen with the new profile.
                        let file = session.borrow().file.clone();
                        if let Some((blob, n)) = file {
                            start_scan(blob, n);
                        }
                    }
                    None => {}
                }
            });
        })
    };
    let on_sample = {
        let start_scan = start_scan.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |_| match sample_blob() {
            Some(b) => start_scan(b, SAMPLE_NAME.to_string()),
            None => dispatcher.dispatch(Action::Fail(
                "The sample package could not be created in this browser.".into(),
            )),
        })
    };
    let on_cancel = {
        let dispatcher = state.dispatcher();
        let session = session.clone();
        Callback::from(move |_| {
            if let Some(c) = &session.borrow().client {
                c.cancel();
            }
            dispatcher.dispatch(Action::Cancel);
        })
    };
    let on_drag = {
        let dispatcher = state.dispatcher();
        Callback::from(move |d| dispatcher.dispatch(Action::Dragging(d)))
    };
    let on_filter = {
        let dispatcher = state.dispatcher();
        Callback::from(move |f: Filter| dispatcher.dispatch(Action::Filter(f)))
    };
    let on_open = {
        let dispatcher = state.dispatcher();
        let session = session.clone();
        let client = client.clone();
        let profile_ref = profile_ref.clone();
        Callback::from(move |(path, line): (String, Option<u32>)| {
            let file = session.borrow().file.clone();
            let Some((blob, name)) = file else { return };
            dispatcher.dispatch(Action::OpenSource {
                path: path.clone(),
                line,
            });
            let profile = profile_ref.borrow().clone();
            client().read(
                Request::ReadEntry {
                    name,
                    path,
                    profile,
                },
                blob,
            );
        })
    };
    let on_close = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::CloseSource))
    };
    let on_profile = {
        let dispatcher = state.dispatcher();
        let session = session.clone();
        let start_scan = start_scan.clone();
        let profile_ref = profile_ref.clone();
        Callback::from(move |toml: String| {
            crate::settings::save(&toml);
            *profile_ref.borrow_mut() = toml.clone();
            dispatcher.dispatch(Action::Profile(toml));
            dispatcher.dispatch(Action::ShowProfile(false));
            // Rescan the package on screen with the new profile.
            let file = session.borrow().file.clone();
            if let Some((blob, name)) = file {
                start_scan(blob, name);
            }
        })
    };
    let dismiss_notice = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Notice(None)))
    };
    let show_profile = {
        let dispatcher = state.dispatcher();
        let open = !state.show_profile;
        Callback::from(move |_| dispatcher.dispatch(Action::ShowProfile(open)))
    };
    let close_profile = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::ShowProfile(false)))
    };
    let show_about = {
        let dispatcher = state.dispatcher();
        let open = !state.show_about;
        Callback::from(move |_| dispatcher.dispatch(Action::ShowAbout(open)))
    };
    let close_about = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::ShowAbout(false)))
    };
    // Dropping a file anywhere on the page works too, not only on the zone.
    let on_page_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let on_page_drop = drop_handler(on_file.clone(), on_drag.clone());

    let s = &*state;
    let state_rc: Rc<State> = Rc::new(s.clone());
    let of_category = |c: scanner_core::Category| s.views.category(c);
    let schedule_findings = of_category(scanner_core::Category::Schedule);
    let endpoint_findings = of_category(scanner_core::Category::Endpoint);
    let credential_findings = of_category(scanner_core::Category::Credential);
    let migration_findings = of_category(scanner_core::Category::Migration);
    let unit_findings = of_category(scanner_core::Category::Unit);
    let certificate_findings = of_category(scanner_core::Category::Certificate);
    // The ids the export's "current filter" means: only once the report is there (the bar is
    // not shown while findings stream in, so no render pays for it before).
    let filtered_ids: Rc<Vec<String>> = Rc::new(match &s.report {
        Some(r) => r
            .findings
            .iter()
            .filter(|f| s.filter.matches(f))
            .map(|f| f.id.clone())
            .collect(),
        None => Vec::new(),
    });
    let config_findings = of_category(scanner_core::Category::Config);
    let inventory_findings = of_category(scanner_core::Category::Inventory);
    // Lines of the open entry that hold a credential: shown masked until revealed.
    let masked: Vec<(u32, String)> = match &s.source {
        Some(src) => credential_findings
            .iter()
            .filter(|f| f.path == src.path)
            .filter_map(|f| f.line.map(|l| (l, f.evidence.clone())))
            .collect(),
        None => Vec::new(),
    };
    let reference_now = s
        .report
        .as_ref()
        .and_then(|r| chrono::DateTime::parse_from_rfc3339(&r.reference_time).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| {
            chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
        });
    // The tabs follow the WAI-ARIA tabs pattern: one tab stop (the selected tab); the arrow
    // keys, Home and End select and focus another tab.
    let tab_button = |tab: Tab, label: String| {
        let dispatcher = state.dispatcher();
        let selected = s.tab == tab;
        let onclick = {
            let dispatcher = dispatcher.clone();
            Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Tab(tab)))
        };
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            let Some(next) = tab_after(tab, &e.key()) else {
                return;
            };
            e.prevent_default();
            dispatcher.dispatch(Action::Tab(next));
            let el = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", tab_id(next))));
            if let Some(el) = el.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        });
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()}
                id={format!("tab-{}", tab_id(tab))} aria-controls="tab-panel"
                tabindex={if selected { "0" } else { "-1" }}
                class={classes!("tab", selected.then_some("active"))}
                data-testid={format!("tab-{}", tab_id(tab))} {onclick} {onkeydown}>{label}</button>
        }
    };
    html! {
        <div class="page" ondragover={on_page_drag_over} ondrop={on_page_drop}>
            <Header state={state_rc.clone()} on_profile={show_profile} on_about={show_about} build={(*build).clone()} />
            <main>
                if s.show_about {
                    <About info={(*build).clone()} on_close={close_about} />
                }
                if s.show_profile {
                    <ProfilePanel profile={s.profile.clone()} toml={s.profile_toml.clone()} on_apply={on_profile} on_close={close_profile} />
                }
                if s.phase != Phase::Idle {
                    <h1 class="visually-hidden">{"Preflight report"}</h1>
                }
                if s.phase == Phase::Idle {
                    <section class="intro">
                        <h1>{"What in this upgrade package can hurt the upgrade?"}</h1>
                        <p>{"Preflight opens the package in this page and lists what a reviewer must see before the maintenance window. The package never leaves your machine: this page makes no network request."}</p>
                    </section>
                }
                <DropZone on_file={on_file} on_sample={on_sample} on_drag={on_drag}
                    dragging={s.dragging} compact={s.phase != Phase::Idle} />
                if let Some(n) = &s.notice {
                    <div class="notice" role="status" data-testid="notice">
                        {visible(n).into_owned()}
                        <button type="button" class="link small" aria-label="dismiss" onclick={dismiss_notice}>{"×"}</button>
                    </div>
                }
                if let Phase::Failed(message) = &s.phase {
                    <div class="error" role="alert" data-testid="error-message">
                        <strong>{"This package could not be scanned. "}</strong>
                        {visible(message).into_owned()}
                        if !s.files.is_empty() || !s.findings.is_empty() {
                            <p>{"What was found before the failure is listed below."}</p>
                        }
                    </div>
                }
                if s.phase == Phase::Scanning {
                    <ProgressBar progress={s.progress.clone()} on_cancel={on_cancel} />
                }
                if s.phase == Phase::Cancelled {
                    <div class="notice" role="status" data-testid="cancelled-message">
                        {format!("Scan cancelled after {}. What was found so far is listed below; drop the package again to scan it fully.",
                            format::plural(s.files.len() as u64, "file", "files"))}
                    </div>
                }
                if let Some(file) = &s.report_view {
                    <div class="notice report-view" role="status" data-testid="report-view">
                        <strong>{"Report view. "}</strong>
                        {format!("Findings, stories and checklist of {} as exported in {}, scanned at {}. The package itself is not loaded: sources cannot be opened; drop the package to scan it again.",
                            visible(&s.name), visible(file), s.report.as_ref().map(|r| visible(&r.reference_time).into_owned()).unwrap_or_default())}
                    </div>
                }
                if s.has_results() || !s.findings.is_empty() {
                    if let Some(report) = s.report.clone() {
                        <ExportBar report={report} filtered={filtered_ids.clone()} />
                    }
                    <div class="overview">
                        <Summary state={state_rc.clone()} on_filter={on_filter.clone()} />
                        <Stories findings={s.views.all.clone()} on_open={on_open.clone()} />
                    </div>
                    <div class="tabs" role="tablist" aria-label="report views">
                        {tab_button(Tab::Findings, format!("Findings {}", format::count(s.views.all.len() as u64)))}
                        {tab_button(Tab::Schedules, format!("Schedules {}", format::count(schedule_findings.len() as u64)))}
                        {tab_button(Tab::Endpoints, format!("Endpoints {}", format::count(endpoint_findings.len() as u64)))}
                        {tab_button(Tab::Credentials, format!("Credentials {}", format::count(credential_findings.len() as u64)))}
                        {tab_button(Tab::Migrations, format!("Migrations {}", format::count(migration_findings.iter().filter(|f| f.rule == "migration.file").count() as u64)))}
                        {tab_button(Tab::Units, format!("Units {}", format::count(unit_findings.len() as u64)))}
                        {tab_button(Tab::Certificates, format!("Certificates {}", format::count(certificate_findings.iter().filter(|f| matches!(f.rule.as_str(), "certificate.inventory" | "certificate.keystore")).count() as u64)))}
                        {tab_button(Tab::Config, format!("Config {}", format::count(config_findings.len() as u64)))}
                        {tab_button(Tab::Inventory, format!("Inventory {}", format::count(inventory_findings.len() as u64)))}
                        {tab_button(Tab::Checklist, format!("Checklist {}", format::count(s.report.as_ref().map_or(0, |r| r.checklist.len()) as u64)))}
                        {tab_button(Tab::Files, format!("Files {}", format::count(s.files.len() as u64)))}
                        {tab_button(Tab::Diagnostics, format!("Not read {}", format::count(s.diagnostics.len() as u64)))}
                    </div>
                    <div role="tabpanel" id="tab-panel" aria-labelledby={format!("tab-{}", tab_id(s.tab))}>
                        {match s.tab {
                            Tab::Findings => html! { <Findings state={state_rc.clone()} on_filter={on_filter} on_open={on_open.clone()} /> },
                            Tab::Schedules => html! {
                                <Schedules findings={schedule_findings.clone()} profile={s.profile.clone()} now={reference_now}
                                    files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Endpoints => html! {
                                <Endpoints findings={endpoint_findings.clone()} files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Credentials => html! {
                                <Credentials findings={credential_findings.clone()} files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Migrations => html! {
                                <Migrations findings={migration_findings.clone()} files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Units => html! {
                                <Units findings={unit_findings.clone()} files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Certificates => html! {
                                <Certificates findings={certificate_findings.clone()} profile={s.profile.clone()} now={reference_now}
                                    files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Checklist => html! {
                                <Checklist items={s.report.as_ref().map(|r| r.checklist.clone()).unwrap_or_default()}
                                    findings={s.views.all.clone()}
                                    sha256={s.report.as_ref().map(|r| r.package.sha256.clone()).unwrap_or_default()}
                                    on_open={on_open.clone()} />
                            },
                            Tab::Config => html! {
                                <Config findings={config_findings.clone()} files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Inventory => html! {
                                <Inventory findings={inventory_findings.clone()} files={s.files.len()} on_open={on_open.clone()} />
                            },
                            Tab::Files => html! { <FileTree state={state_rc.clone()} on_open={on_open.clone()} /> },
                            Tab::Diagnostics => diagnostics(s),
                        }}
                    </div>
                }
            </main>
            if let Some(src) = &s.source {
                <SourceView key={src.path.clone()} source={src.clone()} masked={masked} on_close={on_close} />
            }
        </div>
    }
}

/// Every tab, in the order the tab list shows them.
const TABS: [Tab; 12] = [
    Tab::Findings,
    Tab::Schedules,
    Tab::Endpoints,
    Tab::Credentials,
    Tab::Migrations,
    Tab::Units,
    Tab::Certificates,
    Tab::Config,
    Tab::Inventory,
    Tab::Checklist,
    Tab::Files,
    Tab::Diagnostics,
];

/// The tab a key moves to from `tab` in the tab list (arrows wrap around), if it is one that moves.
fn tab_after(tab: Tab, key: &str) -> Option<Tab> {
    let i = TABS.iter().position(|t| *t == tab)?;
    let n = TABS.len();
    let j = match key {
        "ArrowRight" | "ArrowDown" => (i + 1) % n,
        "ArrowLeft" | "ArrowUp" => (i + n - 1) % n,
        "Home" => 0,
        "End" => n - 1,
        _ => return None,
    };
    Some(TABS[j])
}

fn tab_id(tab: Tab) -> &'static str {
    match tab {
        Tab::Findings => "findings",
        Tab::Schedules => "schedules",
        Tab::Endpoints => "endpoints",
        Tab::Credentials => "credentials",
        Tab::Migrations => "migrations",
        Tab::Units => "units",
        Tab::Certificates => "certificates",
        Tab::Config => "config",
        Tab::Inventory => "inventory",
        Tab::Checklist => "checklist",
        Tab::Files => "files",
        Tab::Diagnostics => "diagnostics",
    }
}

fn diagnostics(s: &State) -> Html {
    if s.diagnostics.is_empty() {
        return html! { <p class="empty" data-testid="diagnostics-empty">{"Every entry could be read."}</p> };
    }
    let rows = s.diagnostics.iter().map(|d| {
        let path = if d.path.is_empty() { "(package)".to_string() } else { visible(&d.path).into_owned() };
        html! { <tr data-testid="diagnostic-row"><td><code>{path}</code></td><td>{visible(&d.message).into_owned()}</td></tr> }
    });
    html! {
        <div class="grid-wrap">
            <table class="grid" data-testid="diagnostics">
                <thead><tr><th>{"Entry"}</th><th>{"What could not be read"}</th></tr></thead>
                <tbody>{for rows}</tbody>
            </table>
        </div>
    }
}

/// A scan ended: record its duration and free the worker's memory.
fn finish(session: &Rc<RefCell<Session>>, dispatcher: &UseReducerDispatcher<State>) {
    let s = session.borrow();
    dispatcher.dispatch(Action::Elapsed(js_sys::Date::now() - s.started_ms));
    if let Some(c) = &s.client {
        c.terminate();
    }
}
