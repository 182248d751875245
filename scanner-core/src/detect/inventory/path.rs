//! Upgrade paths: how to go from the installed version of a component to the version the
//! package carries, over the supported hops the profile lists.
//!
//! A hop applies to a version its `from` is a prefix of (`2.2` applies to `2.2.4`); after it
//! the component is at `to`, read as the line of versions it is a prefix of (`3.0` is any
//! `3.0.x`). The path is complete when the version reached is the target or a prefix of it.
//! Hops only go up: a hop that would land below the current version or above the target is
//! not taken. The search is breadth-first, so the path found has the fewest hops (ties go to
//! the hop listed first). When there is none, a backward search from the target finds the hops
//! that do reach it, and [`Gap`] says where the supported hops stop and which version the
//! installed one has to reach by other means.
//!
//! Pure and bounded: at most [`MAX_HOPS`] hops are considered, each visited once.

use crate::version::Version;
use std::collections::VecDeque;

/// Hops considered per component; the rest of a longer list is ignored.
pub const MAX_HOPS: usize = 256;

/// A supported hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The versions it starts from (a prefix).
    pub from: Version,
    /// The versions it reaches (a prefix).
    pub to: Version,
}

/// How to go from the installed version to the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The installed version is the target.
    Same,
    /// The installed version is newer than the target.
    Downgrade,
    /// A supported path: indices of the hops, in order. Empty when the installed version is
    /// written as a prefix of the target (`3.0` installed, `3.0.2` carried).
    Supported(Vec<usize>),
    /// No supported path.
    Unsupported(Gap),
}

/// Where a path breaks: `before`, then a step from `from` to `to` that no hop covers, then
/// `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Supported hops the installed version can take first (indices, in order).
    pub before: Vec<usize>,
    /// Where the gap starts: the installed version, or the last version `before` reaches.
    pub from: Version,
    /// The `from` of a hop that leads to the target, which has to be reached by other means;
    /// `None` when no hop leads to the target at all.
    pub to: Option<Version>,
    /// Supported hops from `to` to the target (indices, in order).
    pub after: Vec<usize>,
}

/// True when `v` is the target, or the line (prefix) of it.
fn reaches(v: &Version, target: &Version) -> bool {
    v == target || v.is_prefix_of(target)
}

/// True when `hop` can be taken at `current` on the way to `target`.
fn applies(hop: &Hop, current: &Version, target: &Version) -> bool {
    hop.from.is_prefix_of(current)
        && hop.to > *current
        && !hop.to.is_prefix_of(current)
        && (hop.to <= *target || hop.to.is_prefix_of(target))
}

/// Breadth-first search from `start`: for each hop, the hop taken before it (`Some(None)`
/// when it is taken first), and the first hop that reaches the target.
fn search(
    start: &Version,
    target: &Version,
    hops: &[Hop],
) -> (Vec<Option<Option<usize>>>, Option<usize>) {
    let mut parent: Vec<Option<Option<usize>>> = vec![None; hops.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    let expand = |at: &Version,
                  prev: Option<usize>,
                  parent: &mut Vec<Option<Option<usize>>>,
                  queue: &mut VecDeque<usize>| {
        for (i, hop) in hops.iter().enumerate() {
            if let Some(slot) = parent.get_mut(i) {
                if slot.is_none() && applies(hop, at, target) {
                    *slot = Some(prev);
                    queue.push_back(i);
                }
            }
        }
    };
    expand(start, None, &mut parent, &mut queue);
    while let Some(h) = queue.pop_front() {
        let Some(hop) = hops.get(h) else { continue };
        if reaches(&hop.to, target) {
            return (parent, Some(h));
        }
        expand(&hop.to, Some(h), &mut parent, &mut queue);
    }
    (parent, None)
}

/// The hops taken to arrive through `last`, in order.
fn chain(parent: &[Option<Option<usize>>], last: usize) -> Vec<usize> {
    let mut out = vec![last];
    let mut at = last;
    while let Some(Some(Some(prev))) = parent.get(at) {
        if out.len() > parent.len() {
            break;
        }
        out.push(*prev);
        at = *prev;
    }
    out.reverse();
    out
}

/// The hops (indices) from which the target can be reached, by a search backwards from it.
fn leading(target: &Version, hops: &[Hop]) -> Vec<bool> {
    let usable = |h: &Hop| applies(h, &h.from, target);
    let mut leads: Vec<bool> = hops
        .iter()
        .map(|h| usable(h) && reaches(&h.to, target))
        .collect();
    let mut work: Vec<usize> = (0..hops.len())
        .filter(|&i| leads.get(i).copied().unwrap_or(false))
        .collect();
    while let Some(g) = work.pop() {
        let Some(next) = hops.get(g) else { continue };
        for (h, hop) in hops.iter().enumerate() {
            if let Some(slot) = leads.get_mut(h) {
                if !*slot && usable(hop) && applies(next, &hop.to, target) {
                    *slot = true;
                    work.push(h);
                }
            }
        }
    }
    leads
}

/// How to go from `installed` to `target` over `hops` (at most [`MAX_HOPS`] of them).
pub fn plan(installed: &Version, target: &Version, hops: &[Hop]) -> Plan {
    let hops = hops.get(..hops.len().min(MAX_HOPS)).unwrap_or(hops);
    if installed == target {
        return Plan::Same;
    }
    if installed.is_prefix_of(target) {
        return Plan::Supported(Vec::new());
    }
    if installed > target {
        return Plan::Downgrade;
    }
    let (parent, found) = search(installed, target, hops);
    if let Some(last) = found {
        return Plan::Supported(chain(&parent, last));
    }
    // The entry points: the `from`s of the hops that lead to the target, lowest first.
    let leads = leading(target, hops);
    let mut entries: Vec<&Version> = hops
        .iter()
        .zip(&leads)
        .filter(|(_, l)| **l)
        .map(|(h, _)| &h.from)
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a == b);
    if entries.is_empty() {
        return Plan::Unsupported(Gap {
            before: Vec::new(),
            from: installed.clone(),
            to: None,
            after: Vec::new(),
        });
    }
    // Where the installed version can get to: itself, and every hop it reached.
    let reached: Vec<(Option<usize>, &Version)> = std::iter::once((None, installed))
        .chain(
            parent
                .iter()
                .enumerate()
                .filter(|(_, p)| p.is_some())
                .filter_map(|(i, _)| hops.get(i).map(|h| (Some(i), &h.to))),
        )
        .collect();
    // The lowest entry point above some version reached, from the highest such version.
    let mut pick: Option<(Option<usize>, &Version, &Version)> = None;
    for e in &entries {
        let below = reached
            .iter()
            .filter(|(_, s)| *s < *e && !e.is_prefix_of(s))
            .max_by(|a, b| a.1.cmp(b.1));
        if let Some((via, s)) = below {
            pick = Some((*via, s, e));
            break;
        }
    }
    let (via, from, entry) = match pick {
        Some(p) => p,
        None => {
            // Every entry point is below the installed version: name the highest.
            let last = entries.last().copied().unwrap_or(target);
            (None, installed, last)
        }
    };
    let before = via.map(|v| chain(&parent, v)).unwrap_or_default();
    let after = match search(entry, target, hops) {
        (p, Some(last)) => chain(&p, last),
        _ => Vec::new(),
    };
    Plan::Unsupported(Gap {
        before,
        from: from.clone(),
        to: Some(entry.clone()),
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or(Version {
            parts: vec![],
            label: "unparsed".into(),
            text: s.into(),
        })
    }

    fn hops(list: &[(&str, &str)]) -> Vec<Hop> {
        list.iter()
            .map(|(f, t)| Hop {
                from: v(f),
                to: v(t),
            })
            .collect()
    }

    #[test]
    fn one_hop() {
        let h = hops(&[("2.2", "3.0")]);
        assert_eq!(plan(&v("2.2.4"), &v("3.0.0"), &h), Plan::Supported(vec![0]));
        assert_eq!(plan(&v("2.2.4"), &v("3.0.7"), &h), Plan::Supported(vec![0]));
    }

    #[test]
    fn same_downgrade_and_line() {
        let h = hops(&[("2.2", "3.0")]);
        assert_eq!(plan(&v("3.0.0"), &v("3.0"), &h), Plan::Same);
        assert_eq!(plan(&v("3.1.0"), &v("3.0.0"), &h), Plan::Downgrade);
        assert_eq!(plan(&v("3.0"), &v("3.0.2"), &h), Plan::Supported(vec![]));
    }

    #[test]
    fn shortest_of_several() {
        let h = hops(&[
            ("1.0", "1.5"),
            ("1.5", "2.0"),
            ("1.0", "2.0"),
            ("2.0", "3.0"),
        ]);
        assert_eq!(
            plan(&v("1.0.3"), &v("3.0.1"), &h),
            Plan::Supported(vec![2, 3])
        );
    }

    #[test]
    fn hops_never_go_down_or_past_the_target() {
        let h = hops(&[("2", "2.1"), ("2.2", "4.0"), ("4", "3.0")]);
        // 2.2.4 -> 2.1 goes down; 2.2 -> 4.0 overshoots 3.0.0.
        let p = plan(&v("2.2.4"), &v("3.0.0"), &h);
        assert!(
            matches!(&p, Plan::Unsupported(g) if g.to.is_none()),
            "{p:?}"
        );
    }

    #[test]
    fn gap_before_the_first_hop() {
        let h = hops(&[("2.2", "3.0")]);
        assert_eq!(
            plan(&v("2.1.4"), &v("3.0.0"), &h),
            Plan::Unsupported(Gap {
                before: vec![],
                from: v("2.1.4"),
                to: Some(v("2.2")),
                after: vec![0],
            })
        );
    }

    #[test]
    fn gap_in_the_middle() {
        let h = hops(&[("1.9", "2.1"), ("2.2", "2.5"), ("2.5", "3.0")]);
        assert_eq!(
            plan(&v("1.9.0"), &v("3.0.0"), &h),
            Plan::Unsupported(Gap {
                before: vec![0],
                from: v("2.1"),
                to: Some(v("2.2")),
                after: vec![1, 2],
            })
        );
    }

    #[test]
    fn entry_points_below_the_installed_version() {
        let h = hops(&[("2.2", "3.0")]);
        let p = plan(&v("2.5.1"), &v("3.0.0"), &h);
        assert!(
            matches!(&p, Plan::Unsupported(g) if g.to == Some(v("2.2")) && g.from == v("2.5.1")),
            "{p:?}"
        );
    }

    #[test]
    fn no_hop_reaches_the_target() {
        let h = hops(&[("1.0", "2.0")]);
        assert_eq!(
            plan(&v("1.0.1"), &v("3.0.0"), &h),
            Plan::Unsupported(Gap {
                before: vec![],
                from: v("1.0.1"),
                to: None,
                after: vec![],
            })
        );
        assert_eq!(
            plan(&v("1.0.1"), &v("3.0.0"), &[]),
            Plan::Unsupported(Gap {
                before: vec![],
                from: v("1.0.1"),
                to: None,
                after: vec![],
            })
        );
    }

    #[test]
    fn cycles_and_many_hops_stay_bounded() {
        let mut h = hops(&[("1", "2"), ("2", "1.5")]);
        for i in 0..1000u32 {
            h.push(Hop {
                from: v(&format!("5.{i}")),
                to: v(&format!("5.{}", i + 1)),
            });
        }
        assert!(matches!(
            plan(&v("1.0"), &v("9.0"), &h),
            Plan::Unsupported(_)
        ));
        let long = hops(&[("5.0", "5.1")]);
        assert_eq!(
            plan(&v("5.0.0"), &v("5.1.3"), &long),
            Plan::Supported(vec![0])
        );
    }
}
