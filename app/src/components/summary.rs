//! Counts by severity and by category; a click filters the findings list.

use super::severity_badge;
use crate::format;
use crate::state::{Filter, State};
use scanner_core::{Category, Severity};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Summary`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Page state.
    pub state: Rc<State>,
    /// Change the findings filter.
    pub on_filter: Callback<Filter>,
}

/// The summary panel.
#[component]
pub fn Summary(props: &Props) -> Html {
    let s = &props.state;
    let findings = s.all_findings();
    let mut by_sev = [0u64; 5];
    let mut by_cat = [0u64; 9];
    for f in &findings {
        if let Some(i) = Severity::ALL.iter().position(|x| *x == f.severity) {
            by_sev[i] += 1;
        }
        if let Some(i) = Category::ALL.iter().position(|x| *x == f.category) {
            by_cat[i] += 1;
        }
    }
    let sev_items = Severity::ALL.iter().zip(by_sev).map(|(sev, n)| {
        let on_filter = props.on_filter.clone();
        let base = s.filter.clone();
        let sev = *sev;
        let onclick = Callback::from(move |_: MouseEvent| {
            on_filter.emit(Filter {
                min_severity: sev,
                ..base.clone()
            })
        });
        html! {
            <button type="button" class="count" data-testid={format!("count-{}", sev.as_str())}
                {onclick} title={format!("Show {} and above", sev.as_str())}>
                <span class="num big">{format::count(n)}</span>{" "}{severity_badge(sev)}
            </button>
        }
    });
    let cat_items = Category::ALL.iter().zip(by_cat).map(|(cat, n)| {
        let on_filter = props.on_filter.clone();
        let base = s.filter.clone();
        let cat = *cat;
        let active = s.filter.category == Some(cat);
        let onclick = Callback::from(move |_: MouseEvent| {
            on_filter.emit(Filter { category: if active { None } else { Some(cat) }, ..base.clone() })
        });
        html! {
            <button type="button" class={classes!("cat", active.then_some("active"), (n == 0).then_some("zero"))}
                data-testid={format!("cat-{}", cat.as_str())} aria-pressed={active.to_string()} {onclick}>
                {cat.label()}{" "}<span class="num">{format::count(n)}</span>
            </button>
        }
    });
    html! {
        <section class="summary" data-testid="summary" aria-label="summary">
            <div class="counts">{for sev_items}</div>
            <div class="cats">{for cat_items}</div>
        </section>
    }
}
