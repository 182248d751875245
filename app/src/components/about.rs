//! The About panel: what never leaves the browser, how to check that in the browser's own
//! tools, and which build this is (version, build time, the offline file's SHA-256).
//!
//! The build facts are `<meta>` tags `scripts/bundle.mjs` writes into the page. The served
//! page (`index.html`) carries the SHA-256 of the offline file (`preflight.html`) it links to;
//! the offline file cannot carry its own digest, so it says where to find it and how to check it.

use yew::prelude::*;

/// What the bundle wrote into the page about this build.
#[derive(Clone, PartialEq, Default)]
pub struct BuildInfo {
    /// The app's version (Cargo.toml).
    pub version: String,
    /// When it was built (RFC 3339; the last commit's time unless `SOURCE_DATE_EPOCH` says).
    pub build_time: String,
    /// SHA-256 of `preflight.html`, present in the served page only.
    pub offline_sha256: Option<String>,
    /// Size of `preflight.html` in bytes, present in the served page only.
    pub offline_bytes: Option<u64>,
}

impl BuildInfo {
    /// Read from the page's `<meta name="preflight-...">` tags.
    pub fn read() -> Self {
        let meta = |name: &str| -> Option<String> {
            let doc = web_sys::window()?.document()?;
            let el = doc
                .query_selector(&format!("meta[name=\"preflight-{name}\"]"))
                .ok()??;
            el.get_attribute("content")
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
        };
        Self {
            version: meta("version").unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned()),
            build_time: meta("build-time").unwrap_or_default(),
            offline_sha256: meta("offline-sha256"),
            offline_bytes: meta("offline-bytes").and_then(|b| b.parse().ok()),
        }
    }

    /// This page is the offline file (it has no digest of another file to offer).
    pub fn is_offline_file(&self) -> bool {
        self.offline_sha256.is_none()
    }
}

/// The link that saves the single-file build, for the served page.
pub fn offline_link(info: &BuildInfo) -> Html {
    let size = info
        .offline_bytes
        .map(|b| format!(" ({})", crate::format::bytes(b)))
        .unwrap_or_default();
    html! {
        <a class="offline-link" href="preflight.html" download="preflight.html" data-testid="offline-download"
            title="One HTML file with the whole app; open it from disk on a computer with no network">
            {format!("Download for offline use{size}")}
        </a>
    }
}

/// Props of [`About`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Build facts.
    pub info: BuildInfo,
    /// Close the panel.
    pub on_close: Callback<()>,
}

/// The About panel.
#[component]
pub fn About(props: &Props) -> Html {
    let info = &props.info;
    // Closing gives the focus back to the button that opened the panel.
    crate::components::use_return_focus();
    let heading = use_node_ref();
    {
        // Opening the panel moves focus to its heading, so keyboard and screen-reader users
        // land on what they opened.
        let heading = heading.clone();
        use_effect_with((), move |_| {
            if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_key = {
        let cb = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(());
            }
        })
    };
    let build_time = if info.build_time.is_empty() {
        "unknown".to_owned()
    } else {
        info.build_time.clone()
    };
    html! {
        <section class="about" data-testid="about-panel" aria-labelledby="about-title" onkeydown={on_key}>
            <h2 id="about-title" tabindex="-1" ref={heading}>{"About Preflight and your privacy"}</h2>

            <h3>{"What never leaves this browser"}</h3>
            <ul>
                <li>{"The package you drop and every file inside it."}</li>
                <li>{"The findings, the report and every export."}</li>
                <li>{"Your profile: maintenance window, retired hosts, versions, rules."}</li>
                <li>{"Your checklist ticks and notes."}</li>
            </ul>
            <p>
                {"The package is read with the browser's File API by Web Workers this page starts from its own code. \
                  Nothing is uploaded, and nothing could be: the page's Content-Security-Policy, in its source, \
                  says "}<code>{"connect-src 'none'"}</code>{", which makes the browser refuse every connection \
                  (fetch, XMLHttpRequest, WebSocket, beacons), and "}<code>{"default-src 'none'"}</code>
                {" forbids loading anything from anywhere else: no fonts, images, scripts or analytics."}
            </p>
            <p>
                {"Kept on this computer, in this browser's local storage for this page: your profile, and the \
                  checklist ticks and notes of each package (by its SHA-256). The package itself is never stored. \
                  A file is written only when you press Download; Copy puts text on your clipboard."}
            </p>

            <h3>{"Check it yourself"}</h3>
            <ol>
                <li>{"Open the browser's developer tools (F12, or Ctrl+Shift+I; on a Mac Cmd+Option+I) and choose the Network tab. Tick “Preserve log”."}</li>
                <li>{"Drop a package, open its findings and files, export a report."}</li>
                <li>{"The Network tab lists only the page itself (when it is served, not opened from disk) and "}
                    <code>{"blob:"}</code>{" addresses: the workers the page starts from its own code, and the files you download. \
                    No request goes to any other address."}</li>
                <li>{"The Console tab would name any connection the policy blocked (a “Content-Security-Policy” error). There is none."}</li>
                <li>{"Or turn the network off, or use the offline file on a computer with none: everything works the same."}</li>
            </ol>

            <h3>{"This build"}</h3>
            <dl class="build-facts">
                <dt>{"Version"}</dt><dd data-testid="about-version">{&info.version}</dd>
                <dt>{"Built"}</dt><dd data-testid="about-build-time">{build_time}</dd>
                <dt>{"Offline file SHA-256"}</dt>
                <dd>
                    if let Some(sha) = &info.offline_sha256 {
                        <code class="digest" data-testid="about-offline-sha256">{sha}</code>
                    } else {
                        <span data-testid="about-offline-self">
                            {"You are using the offline file. A file cannot hold its own checksum: compare this file's SHA-256 \
                              with the one published next to it (SHA256SUMS) or shown in the About panel of the page you \
                              downloaded it from."}
                        </span>
                    }
                </dd>
            </dl>
            <p class="small muted">
                {"To compute a file's SHA-256: "}<code>{"sha256sum preflight.html"}</code>{" (Linux), "}
                <code>{"shasum -a 256 preflight.html"}</code>{" (macOS), "}
                <code>{"Get-FileHash preflight.html"}</code>{" (Windows PowerShell)."}
            </p>
            if info.is_offline_file() {
                <p>{"This file never updates itself and never checks for updates. To move to a newer version, replace the file."}</p>
            } else {
                <p>
                    {offline_link(info)}
                    {" The whole app in one HTML file: copy it to a laptop with no network and open it from disk. \
                      It never updates itself and makes no request."}
                </p>
            }
            <div class="actions">
                <button type="button" class="secondary" data-testid="about-close" onclick={on_close}>{"Close"}</button>
            </div>
        </section>
    }
}
