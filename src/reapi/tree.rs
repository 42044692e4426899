//! The input root of a remote action as a Merkle tree of REAPI `Directory`
//! messages (REAPI v2, `Directory`: files, directories and symlinks each
//! sorted by name; a directory's digest is the sha256 of its encoded
//! message). Knows nothing of Go or of the build: it is given paths
//! relative to the root and where each file's bytes are.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bazel_remote_apis::build::bazel::remote::execution::v2 as re;
use prost::Message as _;

use super::{Blob, Digest};

/// Where a file of the input root comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on this machine, with its digest (computed by the caller, once).
    File(PathBuf, Digest),
    /// Bytes held in memory (a small generated file, an encoded message).
    Bytes(Vec<u8>),
}

impl Source {
    /// The content's digest.
    pub fn digest(&self) -> Digest {
        match self {
            Source::File(_, d) => d.clone(),
            Source::Bytes(b) => Digest::of(b),
        }
    }
}

#[derive(Default)]
struct Dir {
    files: BTreeMap<String, (Source, bool)>,
    links: BTreeMap<String, String>,
    dirs: BTreeMap<String, Dir>,
}

/// An input root being assembled: files, symlinks and empty directories at
/// `/`-separated paths relative to the root.
#[derive(Default)]
pub struct Builder {
    root: Dir,
}

impl Builder {
    fn dir(&mut self, parts: &[&str]) -> &mut Dir {
        let mut d = &mut self.root;
        for p in parts {
            d = d.dirs.entry((*p).to_string()).or_default();
        }
        d
    }

    /// Adds a file at `path` (`a/b/c.go`); a later file at the same path wins.
    pub fn file(&mut self, path: &str, src: Source, executable: bool) {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if let Some((name, dirs)) = parts.split_last() {
            let name = (*name).to_string();
            self.dir(dirs).files.insert(name, (src, executable));
        }
    }

    /// Adds a symbolic link at `path` pointing at `target` (relative).
    pub fn symlink(&mut self, path: &str, target: &str) {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if let Some((name, dirs)) = parts.split_last() {
            let name = (*name).to_string();
            self.dir(dirs).links.insert(name, target.to_string());
        }
    }

    /// Adds an (empty unless filled later) directory at `path`.
    pub fn directory(&mut self, path: &str) {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        self.dir(&parts);
    }

    /// The root's digest and every blob the tree needs (directories and
    /// files), each once.
    pub fn finish(self) -> (Digest, Vec<Blob>) {
        let mut blobs = BTreeMap::new();
        let d = encode(self.root, &mut blobs);
        (d, blobs.into_values().collect())
    }
}

fn encode(dir: Dir, blobs: &mut BTreeMap<String, Blob>) -> Digest {
    let mut msg = re::Directory::default();
    for (name, (src, executable)) in dir.files {
        let digest = src.digest();
        msg.files.push(re::FileNode {
            name,
            digest: Some(digest.to_proto()),
            is_executable: executable,
            node_properties: None,
        });
        blobs.insert(digest.hash.clone(), Blob { digest, src });
    }
    for (name, sub) in dir.dirs {
        let digest = encode(sub, blobs);
        msg.directories.push(re::DirectoryNode {
            name,
            digest: Some(digest.to_proto()),
        });
    }
    for (name, target) in dir.links {
        msg.symlinks.push(re::SymlinkNode {
            name,
            target,
            node_properties: None,
        });
    }
    let bytes = msg.encode_to_vec();
    let digest = Digest::of(&bytes);
    blobs.insert(
        digest.hash.clone(),
        Blob {
            digest: digest.clone(),
            src: Source::Bytes(bytes),
        },
    );
    digest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_tree_in_any_order_has_one_digest() {
        let mut a = Builder::default();
        a.file("x/b.go", Source::Bytes(b"b".to_vec()), false);
        a.file("x/a.go", Source::Bytes(b"a".to_vec()), false);
        a.directory("w/empty");
        let mut b = Builder::default();
        b.directory("w/empty");
        b.file("x/a.go", Source::Bytes(b"a".to_vec()), false);
        b.file("x/b.go", Source::Bytes(b"b".to_vec()), false);
        let (da, blobs) = a.finish();
        let (db, _) = b.finish();
        assert_eq!(da, db);
        // root, x, w, w/empty, two files (w/empty and the empty... distinct digests)
        assert!(blobs.len() >= 5);
    }
}
