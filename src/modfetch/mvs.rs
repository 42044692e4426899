//! The build list: minimal version selection over the module requirement
//! graph, as cmd/go/internal/modload's `readModGraph` walks it (go 1.17+
//! graph pruning): the main modules' requirements are the roots; every
//! loaded module's requirements count, but a module's own requirements are
//! loaded only when the path to it is unpruned or its go.mod says go < 1.17
//! (it then needs its full transitive graph). The build list is the
//! highest version of each path met.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Fetcher;

/// Where a module's go.mod comes from after `replace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The module itself at a version (no replacement, or a module replacement).
    Module(String, String),
    /// A replacement directory (its go.mod; none means no requirements).
    Dir(PathBuf),
}

/// A module's requirements and whether its graph is pruned (go ≥ 1.17).
struct Summary {
    require: Vec<(String, String)>,
    pruned: bool,
}

/// Loads the go.mod of `src` (`goModSummary`), reached through a pruned edge when `pruned`.
fn summary(f: &Fetcher, src: &Source, pruned: bool) -> Result<Summary> {
    let (file, text) = match src {
        Source::Dir(d) => {
            let file = d.join("go.mod");
            match std::fs::read_to_string(&file) {
                Ok(t) => (file, t),
                // resolve reports a missing replacement directory with the package.
                Err(_) => {
                    return Ok(Summary {
                        require: Vec::new(),
                        pruned: true,
                    });
                }
            }
        }
        // Lazy loading (go ≥ 1.17): go reads a pruned module's go.mod only
        // when it needs it, so under -mod=readonly one go.sum lacks is no
        // error here; the package it provides reports the missing sum.
        Source::Module(p, v) if pruned && f.readonly && !f.has_sum(p, &format!("{v}/go.mod")) => {
            return Ok(Summary {
                require: Vec::new(),
                pruned: true,
            });
        }
        Source::Module(p, v) => {
            let data = f.go_mod(p, v)?;
            (
                f.cache.file(p, v, "mod"),
                String::from_utf8_lossy(&data).into_owned(),
            )
        }
    };
    let m =
        crate::gomod::parse(&file, &text).with_context(|| format!("reading {}", file.display()))?;
    Ok(Summary {
        pruned: m.go_version().is_some_and(|v| v >= (1, 17)),
        require: m
            .require
            .iter()
            .map(|r| (r.path.clone(), r.version.clone()))
            .collect(),
    })
}

/// The build list of main modules `mains` (their paths) requiring `roots`,
/// pruned when `pruned` (a main go.mod at go ≥ 1.17, or a workspace);
/// `replace` maps a module version to where its go.mod comes from. Loads
/// each level's go.mod files with at most `jobs` fetches at once.
///
/// Returns path → selected version, main modules excluded.
/// Errors: a go.mod that cannot be fetched, verified or parsed, naming the module.
pub fn build_list(
    f: &Fetcher,
    mains: &BTreeSet<String>,
    roots: &[(String, String)],
    pruned: bool,
    replace: &(dyn Fn(&str, &str) -> Source + Sync),
    jobs: usize,
) -> Result<BTreeMap<String, String>> {
    let mut selected: BTreeMap<String, String> = BTreeMap::new();
    let mut seen: BTreeSet<(String, String, bool)> = BTreeSet::new();
    let bump = |sel: &mut BTreeMap<String, String>, p: &str, v: &str| {
        let e = sel.entry(p.to_string()).or_insert_with(|| v.to_string());
        if super::semver::compare(e, v).is_lt() {
            *e = v.to_string();
        }
    };
    // Who first required each module version: the chain go prints before
    // an error (`a@v1 requires\n\tb@v2: …`, modload's `mvsReqs` errors).
    let mut parent: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut frontier: Vec<(String, String, bool)> = Vec::new();
    for (p, v) in roots {
        if !mains.contains(p) && v != "none" {
            bump(&mut selected, p, v);
            if seen.insert((p.clone(), v.clone(), pruned)) {
                frontier.push((p.clone(), v.clone(), pruned));
            }
        }
    }
    while !frontier.is_empty() {
        let loaded = crate::par::map(&frontier, jobs, "reading go.mod files", |(p, v, pr)| {
            summary(f, &replace(p, v), *pr)
        });
        let mut next = Vec::new();
        for ((np, nv, node_pruned), s) in frontier.iter().zip(loaded) {
            let s = s.map_err(|e| with_chain(e, &parent, np, nv))?;
            let walk = !*node_pruned || !s.pruned;
            let next_pruned = *node_pruned && s.pruned;
            for (p, v) in &s.require {
                if mains.contains(p) || v == "none" {
                    continue;
                }
                bump(&mut selected, p, v);
                parent
                    .entry((p.clone(), v.clone()))
                    .or_insert_with(|| (np.clone(), nv.clone()));
                if walk && seen.insert((p.clone(), v.clone(), next_pruned)) {
                    next.push((p.clone(), v.clone(), next_pruned));
                }
            }
        }
        frontier = next;
    }
    Ok(selected)
}

/// `e` (about `p@v`) behind the chain of requirements that reached it
/// from the main module's own, as go prints it: `a@v1 requires` lines,
/// one a level, each followed by a newline and a tab.
fn with_chain(
    e: anyhow::Error,
    parent: &BTreeMap<(String, String), (String, String)>,
    p: &str,
    v: &str,
) -> anyhow::Error {
    let mut chain = Vec::new();
    let mut at = (p.to_string(), v.to_string());
    while let Some(up) = parent.get(&at) {
        if chain.len() > 64 || chain.contains(up) {
            break;
        }
        chain.push(up.clone());
        at = up.clone();
    }
    if chain.is_empty() {
        return e;
    }
    let mut text: String = chain
        .iter()
        .rev()
        .map(|(p, v)| format!("{p}@{v} requires\n\t"))
        .collect();
    text.push_str(&format!("{e:#}"));
    anyhow::anyhow!(text)
}
