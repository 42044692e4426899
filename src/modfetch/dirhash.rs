//! go.sum's `h1:` hashes: golang.org/x/mod/sumdb/dirhash's `Hash1`, over
//! a module zip (`HashZip`) or a lone go.mod (`goModSum` in
//! cmd/go/internal/modfetch).

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use base64::Engine;
use sha2::{Digest, Sha256};

/// `Hash1` of files given as (name, contents): for each name in sorted
/// order the line `hex(sha256(contents))  name\n`, then `h1:` and the
/// standard base64 of the SHA-256 of those lines. A name holding a newline
/// cannot be hashed (dirhash refuses it too).
pub fn hash1(files: &mut [(String, Vec<u8>)]) -> Result<String> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut summary = String::new();
    for (name, data) in files.iter() {
        if name.contains('\n') {
            anyhow::bail!("dirhash: filenames with newlines are not supported ({name:?})");
        }
        summary.push_str(&crate::store::hex(&Sha256::digest(data)));
        summary.push_str("  ");
        summary.push_str(name);
        summary.push('\n');
    }
    let sum = Sha256::digest(summary.as_bytes());
    Ok(format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(sum)
    ))
}

/// The `h1:` hash of a go.mod's contents, as go.sum's `path version/go.mod` lines.
pub fn hash_go_mod(data: &[u8]) -> String {
    let mut files = [("go.mod".to_string(), data.to_vec())];
    // A fixed name without a newline: hash1 cannot fail here.
    hash1(&mut files).unwrap_or_default()
}

/// The `h1:` hash of a module zip file: `Hash1` over every entry's name
/// (as stored, `path@version/…`) and uncompressed contents (`HashZip`).
///
/// Errors: the file cannot be read or is no zip.
pub fn hash_zip(zip_file: &Path) -> Result<String> {
    let f =
        std::fs::File::open(zip_file).with_context(|| format!("opening {}", zip_file.display()))?;
    let mut z =
        zip::ZipArchive::new(f).with_context(|| format!("reading {}", zip_file.display()))?;
    let mut files = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let mut e = z
            .by_index(i)
            .with_context(|| format!("reading {}", zip_file.display()))?;
        let name = String::from_utf8_lossy(e.name_raw()).into_owned();
        let mut data = Vec::with_capacity(e.size() as usize);
        e.read_to_end(&mut data)
            .with_context(|| format!("reading {name} in {}", zip_file.display()))?;
        files.push((name, data));
    }
    hash1(&mut files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_mod_hash_matches_go_sum() {
        // golang.org/x/mod's own go.sum line for golang.org/x/text v0.3.0/go.mod.
        assert_eq!(
            hash_go_mod(b"module golang.org/x/text\n"),
            "h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ="
        );
    }
}
