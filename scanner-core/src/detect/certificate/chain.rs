//! Chains: which certificate of the package issued which, and whether bundles are in order.
//!
//! A certificate `c` issued `x` when `c`'s subject is `x`'s issuer (same DER, or the same
//! text ignoring case) and, when both are present, `x`'s authority key identifier is `c`'s
//! subject key identifier. Signatures are not verified (no crypto backend).

use super::parse::Cert;
use std::collections::HashMap;

/// A certificate and where it was found.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    /// The file it came from (a per-scan number: two entries with the same path differ).
    pub file: u32,
    /// Its entry's directory (the path up to the last `/`).
    pub dir: &'a str,
    /// 1-based position in the file.
    pub position: u32,
    /// The certificate.
    pub cert: &'a Cert,
}

/// What is known of a certificate's issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    /// It issued itself.
    SelfSigned,
    /// This node (index) issued it; preferred in the same file, then the same directory.
    Found(usize),
    /// Certificates with the issuer's name are there, but with another key identifier.
    NameOnly,
    /// Nothing in the package.
    Missing,
}

/// The issuer of every node.
pub fn issuers(nodes: &[Node<'_>]) -> Vec<Issuer> {
    let mut by_raw: HashMap<&[u8], Vec<usize>> = HashMap::new();
    let mut by_text: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        by_raw.entry(&n.cert.subject_raw).or_default().push(i);
        by_text
            .entry(n.cert.info.subject.to_lowercase())
            .or_default()
            .push(i);
    }
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let x = n.cert;
            if x.info.self_signed {
                return Issuer::SelfSigned;
            }
            let mut named: Vec<usize> = by_raw
                .get(x.issuer_raw.as_slice())
                .into_iter()
                .flatten()
                .chain(
                    by_text
                        .get(&x.info.issuer.to_lowercase())
                        .into_iter()
                        .flatten(),
                )
                .copied()
                .filter(|&j| {
                    j != i
                        && nodes
                            .get(j)
                            .is_some_and(|c| c.cert.info.sha256 != x.info.sha256)
                })
                .collect();
            named.sort_unstable();
            named.dedup();
            let keyed = |j: &usize| match (&x.aki, nodes.get(*j).and_then(|c| c.cert.ski.as_ref()))
            {
                (Some(a), Some(s)) => a == s,
                _ => true,
            };
            let rank = |j: &usize| match nodes.get(*j) {
                Some(c) if c.file == n.file => 0,
                Some(c) if c.dir == n.dir => 1,
                _ => 2,
            };
            match named
                .iter()
                .filter(|j| keyed(j))
                .min_by_key(|j| (rank(j), **j))
            {
                Some(&j) => Issuer::Found(j),
                None if named.is_empty() => Issuer::Missing,
                None => Issuer::NameOnly,
            }
        })
        .collect()
}

/// A bundle out of order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderProblem {
    /// The node the finding is about (the misplaced leaf, or the first certificate whose
    /// issuer comes before it).
    pub at: usize,
    /// One line for the title.
    pub title: String,
    /// The order found, and the expected one when the file holds a single chain.
    pub evidence: String,
    /// The file holds a leaf certificate.
    pub has_leaf: bool,
}

fn role<'a>(n: &Node<'a>) -> &'a str {
    n.cert.info.role.as_deref().unwrap_or("")
}

/// Check the order of the certificates of one file (`members`: node indices in file order).
pub fn order(nodes: &[Node<'_>], issuers: &[Issuer], members: &[usize]) -> Option<OrderProblem> {
    if members.len() < 2 {
        return None;
    }
    let node = |i: usize| nodes.get(i);
    let leaves: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| node(i).is_some_and(|n| role(n) == "leaf"))
        .collect();
    let total = members.len();
    let mut problem: Option<(usize, String)> = None;
    if let [leaf] = leaves.as_slice() {
        if let Some(l) = node(*leaf).filter(|l| l.position != 1) {
            problem = Some((
                *leaf,
                format!(
                    "Bundle does not start with its leaf: {} is certificate {} of {total}",
                    l.cert.name, l.position
                ),
            ));
        }
    }
    if problem.is_none() {
        for &i in members {
            let (Some(x), Some(Issuer::Found(j))) = (node(i), issuers.get(i)) else {
                continue;
            };
            let Some(c) = node(*j) else { continue };
            if c.file == x.file && c.position < x.position {
                problem = Some((
                    i,
                    format!(
                        "Bundle out of order: issuer {} (certificate {}) comes before {} (certificate {}), which it issued",
                        c.cert.name, c.position, x.cert.name, x.position
                    ),
                ));
                break;
            }
        }
    }
    let (at, title) = problem?;
    let found: Vec<String> = members
        .iter()
        .filter_map(|&i| node(i))
        .map(|n| format!("{}. {} ({})", n.position, n.cert.name, role(n)))
        .collect();
    let mut evidence = format!("found: {}", found.join(", "));
    if let Some(expected) = expected_order(nodes, issuers, members, &leaves) {
        evidence.push_str(&format!("; expected: {}", expected.join(", ")));
    }
    Some(OrderProblem {
        at,
        title,
        evidence: cap(evidence, 1_000),
        has_leaf: !leaves.is_empty(),
    })
}

/// The chain from the file's one leaf (or the one certificate nothing in the file was issued
/// by) up through its issuers in the file, when that chain covers the whole file.
fn expected_order(
    nodes: &[Node<'_>],
    issuers: &[Issuer],
    members: &[usize],
    leaves: &[usize],
) -> Option<Vec<String>> {
    let file = nodes.get(*members.first()?)?.file;
    let start = match leaves {
        [leaf] => *leaf,
        [] => {
            let bottoms: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| {
                    !members
                        .iter()
                        .any(|&k| issuers.get(k) == Some(&Issuer::Found(i)))
                })
                .collect();
            match bottoms.as_slice() {
                [one] => *one,
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut chain = vec![start];
    let mut at = start;
    while let Some(Issuer::Found(j)) = issuers.get(at) {
        if chain.contains(j) || nodes.get(*j).is_none_or(|n| n.file != file) {
            break;
        }
        chain.push(*j);
        at = *j;
    }
    (chain.len() == members.len()).then(|| {
        chain
            .iter()
            .filter_map(|&i| nodes.get(i))
            .map(|n| n.cert.name.clone())
            .collect()
    })
}

fn cap(s: String, max: usize) -> String {
    if s.chars().count() <= max {
        return s;
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}
