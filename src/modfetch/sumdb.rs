//! The checksum database client (GOSUMDB), as golang.org/x/mod/sumdb's
//! `Client.Lookup` with cmd/go's `dbDial`: `GOSUMDB` is `name`, `name+key`
//! or `name+key url` (`sum.golang.org` by default, with its key built in;
//! `off` disables lookups); a lookup answers the module's go.sum lines and
//! a signed tree head, whose note signature (ed25519, golang.org/x/mod's
//! `note` format) must verify with the key, and whose root hash must be
//! the Merkle tree hash (RFC 6962, as `tlog`) computed from the record and
//! the tree's tiles (`tile/8/L/N[.p/W]`). Any failure refuses the module.
//!
//! Not done: remembering the latest tree in GOMODCACHE and proving each
//! new tree consistent with it, and reaching the database through a
//! proxy's `/sumdb/` (the URL is used directly).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{Env, Fetcher, cache::escape};

/// sum.golang.org's verifier key (cmd/go's `knownGOSUMDB`).
const SUM_GOLANG_ORG: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

/// The text after a checksum database mismatch (`sumdbMismatch`).
const SUMDB_MISMATCH: &str = "\n\nSECURITY ERROR\nThis download does NOT match the one reported by the checksum server.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.";

/// Tile height of the database's tiles (`tile/8/…`).
const TILE_H: u32 = 8;

type Hash = [u8; 32];

/// A configured checksum database.
pub struct SumDb {
    /// The database name (`sum.golang.org`).
    pub name: String,
    /// The verifier key's 4-byte hash (signature lines start with it).
    key_hash: u32,
    key: ed25519_dalek::VerifyingKey,
    /// Base URL, no trailing slash.
    url: String,
    /// path@version → the go.sum lines the database holds for it.
    lookups: Mutex<HashMap<String, Vec<String>>>,
    /// Tiles fetched, by path.
    tiles: Mutex<HashMap<String, Vec<u8>>>,
}

/// Parses a verifier key `name+hash+base64(1 || 32-byte key)` (`note.NewVerifier`).
fn parse_vkey(vkey: &str) -> Result<(String, u32, ed25519_dalek::VerifyingKey)> {
    let mut parts = vkey.splitn(3, '+');
    let (Some(name), Some(hash), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        bail!("invalid GOSUMDB: malformed verifier id {vkey:?} (want name+hash+key)");
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(key)
        .map_err(|_| anyhow!("invalid GOSUMDB: malformed verifier id {vkey:?}"))?;
    let hash = u32::from_str_radix(hash, 16)
        .map_err(|_| anyhow!("invalid GOSUMDB: malformed verifier id {vkey:?}"))?;
    if key.len() != 33 || key[0] != 1 || hash != key_hash(name, &key) {
        bail!("invalid GOSUMDB: malformed verifier id {vkey:?} (bad key, algorithm or hash)");
    }
    let mut k = [0u8; 32];
    k.copy_from_slice(&key[1..]);
    let key = ed25519_dalek::VerifyingKey::from_bytes(&k)
        .map_err(|_| anyhow!("invalid GOSUMDB: {vkey:?} is no ed25519 public key"))?;
    Ok((name.to_string(), hash, key))
}

/// `note`'s key hash: the first 4 bytes of SHA-256(name \n alg||key), big-endian.
fn key_hash(name: &str, key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// tlog's `RecordHash`: SHA-256(0x00 || data).
fn record_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// tlog's `NodeHash`: SHA-256(0x01 || left || right).
fn node_hash(l: &Hash, r: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

/// A tile index as tlog's path element: `x001/x234/067`.
fn tile_index(mut n: u64) -> String {
    let mut parts = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        parts.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join("/")
}

impl SumDb {
    /// The database GOSUMDB names (`dbDial`); `None` for `off`.
    ///
    /// Errors: a malformed GOSUMDB, or a bare name other than sum.golang.org.
    pub fn from_env(env: &Env, _modcache: &Path) -> Result<Option<SumDb>> {
        let mut g = env.gosumdb.trim().to_string();
        if g == "off" {
            return Ok(None);
        }
        if g == "sum.golang.google.cn" {
            g = "sum.golang.org https://sum.golang.google.cn".into();
        }
        let fields: Vec<&str> = g.split_whitespace().collect();
        if fields.is_empty() {
            bail!("missing GOSUMDB");
        }
        if fields.len() > 2 {
            bail!("invalid GOSUMDB: too many fields");
        }
        let vkey = if fields[0] == "sum.golang.org" {
            SUM_GOLANG_ORG
        } else {
            fields[0]
        };
        if !vkey.contains('+') {
            bail!(
                "invalid GOSUMDB: unknown checksum database {vkey:?}: give its key (`name+hash+key [url]`), or GOSUMDB=off"
            );
        }
        let (name, key_hash, key) = parse_vkey(vkey)?;
        let url = match fields.get(1) {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("https://{name}"),
        };
        Ok(Some(SumDb {
            name,
            key_hash,
            key,
            url,
            lookups: Mutex::new(HashMap::new()),
            tiles: Mutex::new(HashMap::new()),
        }))
    }

    /// Checks `path key h` (key: a version or `version/go.mod`) against the
    /// database (`checkSumDB`).
    ///
    /// Errors: the lookup or its proof fails, or the database lists another
    /// hash (go's `checksum mismatch … SECURITY ERROR` text).
    pub fn check(&self, f: &Fetcher, path: &str, key: &str, h: &str) -> Result<()> {
        let (version, noun) = match key.strip_suffix("/go.mod") {
            Some(v) => (v, "go.mod"),
            None => (key, "module"),
        };
        let lines = self
            .lookup(f, path, version)
            .map_err(|e| anyhow!("{path}@{version}: verifying {noun}: {e:#}"))?;
        let have = format!("{path} {key} {h}");
        let prefix = format!("{path} {key} h1:");
        for line in &lines {
            if *line == have {
                return Ok(());
            }
            if line.starts_with(&prefix) {
                bail!(
                    "{path}@{version}: verifying {noun}: checksum mismatch\n\tdownloaded: {h}\n\t{}: {}{SUMDB_MISMATCH}",
                    self.name,
                    &line[prefix.len() - 3..]
                );
            }
        }
        Ok(())
    }

    /// The database's go.sum lines for `path@version`, proven.
    fn lookup(&self, f: &Fetcher, path: &str, version: &str) -> Result<Vec<String>> {
        let k = format!("{path}@{version}");
        if let Some(l) = self.lookups.lock().ok().and_then(|m| m.get(&k).cloned()) {
            return Ok(l);
        }
        let url = format!("{}/lookup/{}@{}", self.url, escape(path), escape(version));
        let body = f.client.get(&url, 1 << 20).map_err(|e| anyhow!("{e}"))?;
        let text = String::from_utf8_lossy(&body).into_owned();
        // tlog.ParseRecord: "<id>\n", the record's lines, a blank line, the signed tree.
        let (id, rest) = text
            .split_once('\n')
            .ok_or_else(|| anyhow!("malformed lookup response from {url}"))?;
        let id: u64 = id
            .trim()
            .parse()
            .map_err(|_| anyhow!("malformed record id in {url}"))?;
        let (record, signed) = rest
            .split_once("\n\n")
            .ok_or_else(|| anyhow!("malformed lookup response from {url}"))?;
        let record = format!("{record}\n");
        let (size, root) = self.open_tree(signed)?;
        if id >= size {
            bail!("record {id} is beyond the signed tree of size {size}");
        }
        let leaf = record_hash(record.as_bytes());
        let computed = self.subtree(f, 0, size, id, &leaf, size)?;
        if computed != root {
            bail!(
                "{}: the record for {k} is not in the signed tree (proof does not verify); the database or the path to it is lying",
                self.name
            );
        }
        let lines: Vec<String> = record.lines().map(String::from).collect();
        if let Ok(mut m) = self.lookups.lock() {
            m.insert(k, lines.clone());
        }
        Ok(lines)
    }

    /// Verifies the signed tree note and returns (size, root hash) (`note.Open`, `tlog.ParseTree`).
    fn open_tree(&self, signed: &str) -> Result<(u64, Hash)> {
        let Some(split) = signed.rfind("\n\n") else {
            bail!("malformed signed tree from {}", self.name);
        };
        let (text, sigs) = (&signed[..split + 1], &signed[split + 2..]);
        let mut verified = false;
        for line in sigs.lines() {
            let Some(rest) = line.strip_prefix("\u{2014} ") else {
                continue;
            };
            let Some((name, b64)) = rest.split_once(' ') else {
                continue;
            };
            let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
                continue;
            };
            if name != self.name
                || sig.len() != 68
                || u32::from_be_bytes([sig[0], sig[1], sig[2], sig[3]]) != self.key_hash
            {
                continue;
            }
            let Ok(s) = ed25519_dalek::Signature::from_slice(&sig[4..]) else {
                continue;
            };
            if self.key.verify_strict(text.as_bytes(), &s).is_ok() {
                verified = true;
            } else {
                bail!(
                    "{}: the signed tree head's signature does not verify with the key in GOSUMDB (invalid signature)",
                    self.name
                );
            }
        }
        if !verified {
            bail!(
                "{}: the signed tree head has no signature by the key in GOSUMDB (note has no verifiable signatures)",
                self.name
            );
        }
        let l: Vec<&str> = text.lines().collect();
        if l.len() != 3 || l[0] != "go.sum database tree" {
            bail!("{}: malformed tree note", self.name);
        }
        let size: u64 = l[1]
            .parse()
            .map_err(|_| anyhow!("{}: malformed tree size", self.name))?;
        let root = base64::engine::general_purpose::STANDARD
            .decode(l[2])
            .ok()
            .filter(|r| r.len() == 32)
            .ok_or_else(|| anyhow!("{}: malformed tree hash", self.name))?;
        let mut h = [0u8; 32];
        h.copy_from_slice(&root);
        Ok((size, h))
    }

    /// RFC 6962's MTH of leaves [lo, hi) of a tree of `size`, with leaf `i`'s
    /// hash `leaf` computed here and every other complete subtree read from tiles.
    fn subtree(
        &self,
        f: &Fetcher,
        lo: u64,
        hi: u64,
        i: u64,
        leaf: &Hash,
        size: u64,
    ) -> Result<Hash> {
        let n = hi - lo;
        if n == 1 && lo == i {
            return Ok(*leaf);
        }
        let contains = lo <= i && i < hi;
        if n.is_power_of_two() && !contains && lo.is_multiple_of(n) {
            return self.stored(f, n.trailing_zeros(), lo >> n.trailing_zeros(), size);
        }
        let k = if n.is_power_of_two() {
            n / 2
        } else {
            1u64 << (63 - (n - 1).leading_zeros())
        };
        let l = self.subtree(f, lo, lo + k, i, leaf, size)?;
        let r = self.subtree(f, lo + k, hi, i, leaf, size)?;
        Ok(node_hash(&l, &r))
    }

    /// The hash of the complete subtree at `level`, index `k`, from the
    /// tile of level `level / 8` (combining 2^(level % 8) of its hashes).
    fn stored(&self, f: &Fetcher, level: u32, k: u64, size: u64) -> Result<Hash> {
        let tl = level / TILE_H;
        let r = level % TILE_H;
        let first = k << r;
        let count = 1u64 << r;
        let tn = first / 256;
        let hashes_at_level = size >> (tl * TILE_H);
        let width = (hashes_at_level - tn * 256).min(256);
        let path = if width == 256 {
            format!("tile/8/{tl}/{}", tile_index(tn))
        } else {
            format!("tile/8/{tl}/{}.p/{width}", tile_index(tn))
        };
        let data = self.tile(f, &path)?;
        let off = (first - tn * 256) as usize * 32;
        let end = off + count as usize * 32;
        if data.len() < end {
            bail!("{}: tile {path} is short", self.name);
        }
        let mut hs: Vec<Hash> = data[off..end]
            .chunks(32)
            .map(|c| {
                let mut h = [0u8; 32];
                h.copy_from_slice(c);
                h
            })
            .collect();
        while hs.len() > 1 {
            hs = hs.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
        }
        hs.pop().context("empty tile range")
    }

    /// A tile's bytes (fetched once per run).
    fn tile(&self, f: &Fetcher, path: &str) -> Result<Vec<u8>> {
        if let Some(t) = self.tiles.lock().ok().and_then(|m| m.get(path).cloned()) {
            return Ok(t);
        }
        let data = f
            .client
            .get(&format!("{}/{path}", self.url), 1 << 20)
            .map_err(|e| anyhow!("{e}"))?;
        if let Ok(mut m) = self.tiles.lock() {
            m.insert(path.to_string(), data.clone());
        }
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_as_tlog() {
        assert_eq!(tile_index(1234067), "x001/x234/067");
        assert_eq!(tile_index(5), "005");
    }

    #[test]
    fn sum_golang_org_key_parses() {
        let (name, _, _) = parse_vkey(SUM_GOLANG_ORG).unwrap();
        assert_eq!(name, "sum.golang.org");
    }
}
