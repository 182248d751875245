//! The drop zone: a label around a file input, so click, keyboard and drop all work.

use web_sys::{DragEvent, File, FileList, HtmlInputElement};
use yew::prelude::*;

/// A drop handler: hands over the dropped profiles (`*.toml`) first, then the first other file
/// (the package), and ends the drag state. The page and the zone share it; it stops the event,
/// so a drop on the zone is not handled twice.
pub fn drop_handler(on_file: Callback<File>, on_drag: Callback<bool>) -> Callback<DragEvent> {
    Callback::from(move |e: DragEvent| {
        e.prevent_default();
        e.stop_propagation();
        on_drag.emit(false);
        if let Some(list) = e.data_transfer().and_then(|dt| dt.files()) {
            hand_over(&list, &on_file);
        }
    })
}

/// The chosen or dropped files, profiles (`*.toml`) first, then the first other file (the
/// package, or a report to reopen).
fn hand_over(list: &FileList, on_file: &Callback<File>) {
    let files: Vec<File> = (0..list.length().min(16))
        .filter_map(|i| list.get(i))
        .collect();
    let (profiles, packages): (Vec<File>, Vec<File>) =
        files.into_iter().partition(|f| is_profile(&f.name()));
    for f in profiles.into_iter().chain(packages.into_iter().take(1)) {
        on_file.emit(f);
    }
}

/// A file the page reads as the reviewer's profile rather than as a package.
pub fn is_profile(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".toml")
}

/// Props of [`DropZone`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// A file was chosen or dropped.
    pub on_file: Callback<File>,
    /// Scan the built-in sample.
    pub on_sample: Callback<()>,
    /// Drag state changed.
    pub on_drag: Callback<bool>,
    /// A file is over the zone.
    pub dragging: bool,
    /// Small form, above results.
    pub compact: bool,
}

/// The drop zone.
#[component]
pub fn DropZone(props: &Props) -> Html {
    let on_change = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                hand_over(&list, &on_file);
            }
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let on_drag_over = {
        let on_drag = props.on_drag.clone();
        let dragging = props.dragging;
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !dragging {
                on_drag.emit(true);
            }
        })
    };
    let on_drag_leave = {
        let on_drag = props.on_drag.clone();
        Callback::from(move |_: DragEvent| on_drag.emit(false))
    };
    let on_drop = drop_handler(props.on_file.clone(), props.on_drag.clone());
    let on_sample = {
        let cb = props.on_sample.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let class = classes!(
        "dropzone",
        props.dragging.then_some("dragging"),
        props.compact.then_some("compact")
    );
    html! {
        <div class="dropzone-wrap">
            <label {class} data-testid="drop-zone"
                ondragover={on_drag_over} ondragenter={Callback::from(|e: DragEvent| e.prevent_default())}
                ondragleave={on_drag_leave} ondrop={on_drop}>
                <input type="file" class="visually-hidden" data-testid="file-input" multiple=true
                    accept=".zip,.jar,.war,.ear,.whl,.nupkg,.tar,.tgz,.gz,.toml,.json,application/zip,application/gzip,application/x-tar"
                    onchange={on_change} />
                if props.compact {
                    <span class="dz-title">{"Drop another package, or choose a file"}</span>
                } else {
                    <span class="dz-title">{"Drop an upgrade package here, or choose a file"}</span>
                    <span class="dz-sub">{"ZIP, jar, war, ear, whl, nupkg, tar, tar.gz; a profile (.toml) with it; or an exported report (.json) to view it again. Everything is read in this page: nothing is uploaded."}</span>
                }
            </label>
            <button type="button" class={if props.compact { "secondary" } else { "primary" }}
                data-testid="sample-button" onclick={on_sample}>
                {"Try the sample package"}
            </button>
        </div>
    }
}
