//! The package's files as a tree. Nested archives are folders too; only open folders render
//! their children, so a package with 100,000 entries stays fast. Nested lists of buttons (a
//! folder is a disclosure button with `aria-expanded`), so Tab and Enter are all it takes.

use crate::format;
use crate::state::State;
use scanner_core::text::visible;
use scanner_core::{FileEntry, FileKind, NESTED_SEPARATOR};
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use yew::prelude::*;

/// Children rendered per folder before "more".
const MAX_CHILDREN: usize = 500;
/// Packages with at most this many files start fully open; larger ones show the top level.
const OPEN_ALL_UP_TO: usize = 200;

#[derive(Debug, Default, PartialEq)]
struct Node {
    /// Key identifying the node (its path segments joined with `/`).
    key: String,
    file: Option<FileEntry>,
    children: BTreeMap<String, Node>,
    files_below: u64,
}

fn build(files: &[&FileEntry]) -> Node {
    let mut root = Node::default();
    for f in files {
        let mut node = &mut root;
        node.files_below += 1;
        let mut key = String::new();
        let segments = f
            .path
            .split(NESTED_SEPARATOR)
            .flat_map(|level| level.split('/'))
            .filter(|s| !s.is_empty());
        for seg in segments {
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str(seg);
            let k = key.clone();
            node = node
                .children
                .entry(seg.to_string())
                .or_insert_with(|| Node {
                    key: k,
                    ..Node::default()
                });
            node.files_below += 1;
        }
        node.files_below -= 1;
        node.file = Some((*f).clone());
    }
    root
}

/// Props of [`FileTree`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Page state.
    pub state: Rc<State>,
    /// Open an entry in the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

/// The file tree.
#[component]
pub fn FileTree(props: &Props) -> Html {
    let expanded = use_state(HashSet::<String>::new);
    let count = props.state.files.len();
    let tree = {
        let state = props.state.clone();
        use_memo(count, move |_| {
            let files: Vec<&FileEntry> = state.files.iter().collect();
            build(&files)
        })
    };
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |key: String| {
            let mut set = (*expanded).clone();
            if !set.remove(&key) {
                set.insert(key);
            }
            expanded.set(set);
        })
    };
    if count == 0 {
        return html! { <p class="empty">{"No files listed yet."}</p> };
    }
    html! {
        <section class="tree" data-testid="file-tree" aria-label="files">
            <ul>
                {render_children(&tree, &expanded, &toggle, &props.on_open, true, count <= OPEN_ALL_UP_TO)}
            </ul>
        </section>
    }
}

fn render_children(
    node: &Node,
    expanded: &HashSet<String>,
    toggle: &Callback<String>,
    on_open: &Callback<(String, Option<u32>)>,
    top: bool,
    open_all: bool,
) -> Html {
    // Folders first, then files, each by name.
    let mut kids: Vec<&Node> = node.children.values().collect();
    kids.sort_by_key(|n| (n.children.is_empty(), n.key.to_lowercase()));
    let more = kids.len().saturating_sub(MAX_CHILDREN);
    let items = kids.into_iter().take(MAX_CHILDREN).map(|n| {
        let name = n.key.rsplit('/').next().unwrap_or(&n.key);
        // Top-level folders start open (all folders in small packages); a click flips that.
        let open_by_default = open_all || (top && n.file.is_none());
        let open = expanded.contains(&n.key) != open_by_default;
        let is_dir = !n.children.is_empty();
        let file_info = n.file.as_ref().map(|f| {
            let kind = match f.kind {
                FileKind::Text => f.encoding.clone().unwrap_or_else(|| "text".into()),
                FileKind::Binary => "binary".into(),
                FileKind::Archive => "archive".into(),
                FileKind::Symlink => "link".into(),
                FileKind::Skipped => "not read".into(),
            };
            html! { <span class="meta num">{format!("{}  {kind}", format::bytes(f.size))}</span> }
        });
        let label = visible(name).into_owned();
        let entry = if is_dir {
            let key = n.key.clone();
            let toggle = toggle.clone();
            let onclick = Callback::from(move |_: MouseEvent| toggle.emit(key.clone()));
            html! {
                <button type="button" class="tree-dir" aria-expanded={open.to_string()} {onclick}>
                    <span aria-hidden="true">{if open { "\u{25be} " } else { "\u{25b8} " }}</span>
                    {label}
                    <span class="meta num">{format::plural(n.files_below, "file", "files")}</span>
                </button>
            }
        } else {
            let path = n.file.as_ref().map(|f| f.path.clone()).unwrap_or_default();
            let on_open = on_open.clone();
            let onclick = Callback::from(move |_: MouseEvent| on_open.emit((path.clone(), None)));
            html! {
                <button type="button" class="tree-file" data-testid="tree-file" {onclick}>{label}{file_info.clone()}</button>
            }
        };
        html! {
            <li>
                {entry}
                if is_dir && n.file.is_some() {
                    {file_info}
                }
                if is_dir && open {
                    <ul>{render_children(n, expanded, toggle, on_open, false, open_all)}</ul>
                }
            </li>
        }
    });
    html! {
        <>
            {for items}
            if more > 0 {
                <li class="muted">{format!("… and {} more", format::count(more as u64))}</li>
            }
        </>
    }
}
