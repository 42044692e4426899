//! `+incompatible` versions, as cmd/go's `codeRepo` allows them
//! (`appendIncompatibleVersions`, `canUseIncompatible`): a module at a
//! repository's root whose path has no major-version suffix may use a
//! v2+ tag as `vN.…+incompatible` while that commit has no go.mod (at the
//! root nor in `vN/`); the version list offers them unless the latest
//! v0/v1 version has a go.mod, and per major version only when that
//! major's latest tag has none.

use anyhow::Result;

use super::git::Commit;
use super::{CodeRepo, semver};

/// `semver.Major`: `v2` of `v2.1.0`.
pub fn major(v: &str) -> &str {
    v.split(['.', '-', '+']).next().unwrap_or(v)
}

/// Whether `v`'s major version is v2 or above.
pub fn above_v1(v: &str) -> bool {
    let m = major(v);
    m != "v0" && m != "v1"
}

impl CodeRepo {
    /// Whether this module may have `+incompatible` versions at all.
    pub(super) fn incompatible_possible(&self) -> bool {
        self.code_dir.is_empty() && self.path_major.is_empty()
    }

    /// `canUseIncompatible`: commit `c` has neither a go.mod nor a
    /// `<major of v>/go.mod`.
    ///
    /// Errors: the commit's objects cannot be read.
    pub(super) fn can_use_incompatible(&self, c: &Commit, v: &str) -> Result<bool> {
        Ok(self.incompatible_possible()
            && self.git.read_file(&c.hash, "go.mod")?.is_none()
            && self
                .git
                .read_file(&c.hash, &format!("{}/go.mod", major(v)))?
                .is_none())
    }

    /// Whether the commit of tag `v` has a root go.mod (fetching it if needed).
    fn tag_has_go_mod(&self, v: &str) -> Result<bool> {
        let c = self.git.stat(v)?;
        Ok(self.git.read_file(&c.hash, "go.mod")?.is_some())
    }

    /// `appendIncompatibleVersions`: `list` (sorted v0/v1 versions) plus
    /// the `+incompatible` forms of `incompatible` (sorted v2+ tags) that go offers.
    ///
    /// Errors: git fails reading a tag's commit.
    pub(super) fn append_incompatible(
        &self,
        mut list: Vec<String>,
        incompatible: Vec<String>,
    ) -> Result<Vec<String>> {
        if incompatible.is_empty() || !self.path_major.is_empty() {
            return Ok(list);
        }
        if let Some(last) = list.last()
            && self.tag_has_go_mod(last)?
        {
            return Ok(list);
        }
        let mut i = 0;
        while i < incompatible.len() {
            let m = major(&incompatible[i]);
            let j = incompatible[i..]
                .iter()
                .position(|v| major(v) != m)
                .map_or(incompatible.len(), |k| i + k);
            if !self.tag_has_go_mod(&incompatible[j - 1])? {
                list.extend(
                    incompatible[i..j]
                        .iter()
                        .map(|v| format!("{v}+incompatible")),
                );
            }
            i = j;
        }
        list.sort_by(|a, b| semver::compare(a, b));
        Ok(list)
    }
}
