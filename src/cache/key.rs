//! Keys and reasons: what a cache key is computed from (`KeyInputs`) and,
//! from the same description, why an action must run (`DirtyReason`), as
//! cargo's `Fingerprint::compare` fills a `DirtyReason`. The key hashes the
//! inputs' JSON, so nothing can change the key without `diff` seeing it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::toolchain::{CompilerId, fuse_ld};

/// Compile or link: the two kinds of cached action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A package compile (Go, export data, C and assembler objects).
    #[default]
    Compile,
    /// A link (and strip) of a command.
    Link,
}

/// What a key is computed from; also what `--explain` compares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInputs {
    /// Cache format version (`store::FORMAT`).
    pub format: String,
    /// Compile or link.
    pub kind: Kind,
    /// Import path, or `link OUT`.
    pub label: String,
    /// The compiler (for a link: the driver that runs the linker).
    pub compiler: CompilerId,
    /// Flags reaching the compiler or linker.
    pub flags: Vec<String>,
    /// Other settings by name (`plan::Action::settings`).
    pub settings: BTreeMap<String, String>,
    /// Source files: absolute path → sha256.
    pub sources: BTreeMap<String, String>,
    /// Direct dependencies: import path → sha256 of its export data
    /// (compile), or label → key of its compile (link).
    pub deps: BTreeMap<String, String>,
}

/// Why an action runs instead of coming from the cache: the first
/// difference between its inputs now and its closest previous inputs, with
/// old and new values. Its `Display` is the `--explain` line; its JSON (a
/// `kind` tag plus the fields) is `--explain --json`'s `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DirtyReason {
    /// The action was never built with this cache.
    NoPreviousBuild,
    /// Another compiler (version, path, machine, profile flags or binary).
    CompilerChanged {
        /// Before.
        old: String,
        /// Now.
        new: String,
    },
    /// Another linker driver, or another linker (`-fuse-ld=`, `--linker`),
    /// for a link.
    LinkerChanged {
        /// Before.
        old: String,
        /// Now.
        new: String,
    },
    /// Other compile or link flags.
    FlagsChanged {
        /// Before.
        old: Vec<String>,
        /// Now.
        new: Vec<String>,
    },
    /// Another value of a setting (`strip`, `cc`, `importmap …`); `None` is unset.
    SettingChanged {
        /// The setting's name.
        name: String,
        /// Before.
        old: Option<String>,
        /// Now.
        new: Option<String>,
    },
    /// A source file is new.
    SourceAdded {
        /// Absolute path.
        path: String,
    },
    /// A source file's contents changed.
    SourceChanged {
        /// Absolute path.
        path: String,
    },
    /// A source file is gone.
    SourceRemoved {
        /// Absolute path.
        path: String,
    },
    /// A new direct dependency.
    DepAdded {
        /// Its import path (or label).
        package: String,
    },
    /// A direct dependency is gone.
    DepRemoved {
        /// Its import path (or label).
        package: String,
    },
    /// A dependency's export data changed (compile).
    DepExportChanged {
        /// Its import path.
        package: String,
    },
    /// A linked object changed (link).
    DepObjectChanged {
        /// The compile's label (import path).
        package: String,
    },
    /// The entry was in the cache but damaged; it is rebuilt.
    CorruptEntry,
    /// The entry was in the cache when the build began, and a `cache trim`
    /// running at the same time removed it before its files were used.
    EntryTrimmed,
    /// The inputs are those of an earlier build whose entry is gone.
    NothingObvious,
    /// `-a`: every action runs, whatever the cache holds.
    RebuildAll,
}

impl fmt::Display for DirtyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DirtyReason as R;
        match self {
            R::NoPreviousBuild => f.write_str("not in cache"),
            R::CompilerChanged { old, new } => write!(f, "compiler changed: {old} → {new}"),
            R::LinkerChanged { old, new } => write!(f, "linker changed: {old} → {new}"),
            R::FlagsChanged { old, new } => {
                write!(f, "flags changed: {} → {}", old.join(" "), new.join(" "))
            }
            R::SettingChanged { name, old, new } => {
                let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
                write!(f, "{name} changed: {} → {}", v(old), v(new))
            }
            R::SourceAdded { path } => write!(f, "source added: {}", short(path)),
            R::SourceChanged { path } => write!(f, "source changed: {}", short(path)),
            R::SourceRemoved { path } => write!(f, "source removed: {}", short(path)),
            R::DepAdded { package } => write!(f, "new dependency: {package}"),
            R::DepRemoved { package } => write!(f, "dependency removed: {package}"),
            R::DepExportChanged { package } => write!(f, "export data of {package} changed"),
            R::DepObjectChanged { package } => write!(f, "object of {package} changed"),
            R::CorruptEntry => f.write_str("cache entry was corrupted"),
            R::EntryTrimmed => f.write_str("cache entry was trimmed while the build used it"),
            R::NothingObvious => f.write_str("not in cache (built before with these inputs)"),
            R::RebuildAll => f.write_str("-a: rebuilding everything"),
        }
    }
}

impl KeyInputs {
    /// The key: sha256 of the inputs' JSON, in hex.
    pub fn key(&self) -> String {
        crate::store::hex(&Sha256::digest(
            serde_json::to_vec(self).unwrap_or_default(),
        ))
    }

    /// How far `self` is from `old`, for picking the previous inputs to
    /// explain against: compiler, flags and settings first (an alternation of
    /// flags is not "the" change), then how many sources and deps differ.
    fn distance(&self, old: &KeyInputs) -> (bool, bool, bool, usize) {
        let differ = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| {
            a.iter().filter(|(k, v)| b.get(*k) != Some(v)).count()
                + b.keys().filter(|k| !a.contains_key(*k)).count()
        };
        (
            self.compiler != old.compiler,
            self.flags != old.flags,
            self.settings != old.settings,
            differ(&self.sources, &old.sources) + differ(&self.deps, &old.deps),
        )
    }

    /// Why the action must run, given the inputs of its earlier builds (most
    /// recent first): the first difference from the closest of them.
    pub fn explain(&self, history: &[KeyInputs]) -> DirtyReason {
        match history.iter().min_by_key(|old| self.distance(old)) {
            Some(old) => self.diff(old),
            None => DirtyReason::NoPreviousBuild,
        }
    }

    /// The first difference between `self` and `old`, in the order a person
    /// looks for it: compiler, linker (a link's `-fuse-ld=`), flags,
    /// settings, sources, dependencies.
    pub fn diff(&self, old: &KeyInputs) -> DirtyReason {
        use DirtyReason as R;
        if self.compiler != old.compiler {
            let (o, n) = self.compiler.change_from(&old.compiler);
            return match self.kind {
                Kind::Compile => R::CompilerChanged { old: o, new: n },
                Kind::Link => R::LinkerChanged { old: o, new: n },
            };
        }
        let (old_ld, new_ld) = (fuse_ld(&old.flags), fuse_ld(&self.flags));
        if self.kind == Kind::Link && old_ld != new_ld {
            let name = |l: Option<&str>| l.unwrap_or("gcc's default").to_string();
            return R::LinkerChanged {
                old: name(old_ld),
                new: name(new_ld),
            };
        }
        if self.flags != old.flags {
            return R::FlagsChanged {
                old: old.flags.clone(),
                new: self.flags.clone(),
            };
        }
        if let Some(name) = first_difference(&self.settings, &old.settings) {
            return R::SettingChanged {
                old: old.settings.get(&name).cloned(),
                new: self.settings.get(&name).cloned(),
                name,
            };
        }
        if let Some(path) = first_difference(&self.sources, &old.sources) {
            return match (
                old.sources.contains_key(&path),
                self.sources.contains_key(&path),
            ) {
                (false, _) => R::SourceAdded { path },
                (_, false) => R::SourceRemoved { path },
                _ => R::SourceChanged { path },
            };
        }
        if let Some(package) = first_difference(&self.deps, &old.deps) {
            return match (
                old.deps.contains_key(&package),
                self.deps.contains_key(&package),
            ) {
                (false, _) => R::DepAdded { package },
                (_, false) => R::DepRemoved { package },
                _ if self.kind == Kind::Compile => R::DepExportChanged { package },
                _ => R::DepObjectChanged { package },
            };
        }
        R::NothingObvious
    }
}

/// The first key (in order) whose value differs between `new` and `old`,
/// or that only one of them has.
fn first_difference(
    new: &BTreeMap<String, String>,
    old: &BTreeMap<String, String>,
) -> Option<String> {
    new.keys()
        .chain(old.keys())
        .filter(|k| new.get(*k) != old.get(*k))
        .min()
        .cloned()
}

/// The last two elements of a path (`/m/wire/frame.go` → `wire/frame.go`),
/// enough to tell files apart in an explain line.
fn short(path: &str) -> String {
    let n: Vec<_> = Path::new(path).iter().rev().take(2).collect();
    n.iter()
        .rev()
        .map(|s| s.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> KeyInputs {
        let mut k = KeyInputs {
            format: "v2".into(),
            kind: Kind::Compile,
            label: "a/b".into(),
            compiler: CompilerId {
                path: "/usr/bin/gccgo".into(),
                version: "12.2.0".into(),
                ..Default::default()
            },
            flags: vec!["-O2".into()],
            ..Default::default()
        };
        k.sources.insert("/m/wire/frame.go".into(), "1".into());
        k.deps.insert("a/wire".into(), "g1".into());
        k
    }

    #[test]
    fn explain_names_the_first_difference() {
        let old = inputs();
        let mut new = old.clone();
        new.sources.insert("/m/wire/frame.go".into(), "2".into());
        assert_eq!(new.diff(&old).to_string(), "source changed: wire/frame.go");
        let mut new = old.clone();
        new.flags = vec!["-Os".into()];
        assert_eq!(new.diff(&old).to_string(), "flags changed: -O2 → -Os");
        let mut new = old.clone();
        new.deps.insert("a/wire".into(), "g2".into());
        assert_eq!(new.diff(&old).to_string(), "export data of a/wire changed");
        assert_eq!(old.diff(&old), DirtyReason::NothingObvious);
        assert_ne!(new.key(), old.key());
        let mut new = old.clone();
        new.sources.remove("/m/wire/frame.go");
        assert_eq!(new.diff(&old).to_string(), "source removed: wire/frame.go");
    }

    #[test]
    fn a_compiler_upgrade_names_both_versions() {
        let old = inputs();
        let mut new = old.clone();
        new.compiler.version = "11.3.0".into();
        new.compiler.path = "/usr/bin/gccgo-11".into();
        assert_eq!(
            new.diff(&old).to_string(),
            "compiler changed: 12.2.0 → 11.3.0"
        );
        let mut link = new.clone();
        link.kind = Kind::Link;
        let mut old_link = old.clone();
        old_link.kind = Kind::Link;
        assert_eq!(
            link.diff(&old_link).to_string(),
            "linker changed: 12.2.0 → 11.3.0"
        );
        assert_eq!(new.explain(&[]), DirtyReason::NoPreviousBuild);
    }

    #[test]
    fn another_linker_says_linker_changed() {
        let mut old = inputs();
        old.kind = Kind::Link;
        old.flags = vec!["-static-libgo".into()];
        let mut new = old.clone();
        new.flags.push("-fuse-ld=mold".into());
        assert_eq!(
            new.diff(&old).to_string(),
            "linker changed: gcc's default → mold"
        );
        let mut gold = new.clone();
        gold.flags = vec!["-static-libgo".into(), "-fuse-ld=gold".into()];
        assert_eq!(gold.diff(&new).to_string(), "linker changed: mold → gold");
        assert_ne!(gold.key(), new.key());
    }

    #[test]
    fn alternating_flags_explain_against_the_build_with_the_same_flags() {
        // Built with -O2, then -Os; now -O2 again after an edit: the reason
        // is the edit, not "flags changed: -Os → -O2".
        let o2 = inputs();
        let mut os = o2.clone();
        os.flags = vec!["-Os".into()];
        let mut now = o2.clone();
        now.sources.insert("/m/utils/rpc.go".into(), "9".into());
        assert_eq!(
            now.explain(&[os, o2]).to_string(),
            "source added: utils/rpc.go"
        );
    }

    #[test]
    fn settings_and_reasons_serialize_with_a_kind_tag() {
        let old = inputs();
        let mut new = old.clone();
        new.settings
            .insert("strip".into(), "objcopy --strip-all".into());
        let r = new.diff(&old);
        assert_eq!(r.to_string(), "strip changed: (none) → objcopy --strip-all");
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["kind"], "setting_changed");
        assert_eq!(j["name"], "strip");
    }
}
