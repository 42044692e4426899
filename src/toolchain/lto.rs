//! Whether a toolchain's libgo.a holds GCC LTO bytecode (the `lto` variant
//! of toolchains/sdk/build: `-flto -ffat-lto-objects`), and the link flags
//! that follow. With such a libgo, every static link of libgo runs LTO
//! through the linker plugin, flags or not; left alone it runs its LTRANS
//! serially, names its partitions' private symbols at random (two links of
//! the same objects differ), and prints libgo's own LTO warnings on every
//! link. `link_flags` fixes all three.

use std::path::Path;
use std::time::Duration;

use object::read::archive::ArchiveFile;
use object::{Object, ObjectSection, ReadCache};

use crate::process::Cmd;

/// How many object members of the archive are looked at: libgo's first
/// members are its largest packages, each compiled with the same flags.
const MEMBERS_LOOKED_AT: usize = 4;

/// Whether the ar archive at `path` holds LTO bytecode: a `.gnu.lto_*`
/// section in one of its first `MEMBERS_LOOKED_AT` ELF members. Reads the
/// archive's headers and those members only (libgo.a is 80–150 MB).
/// `false` when the file is missing or is not an archive.
pub fn archive_has_lto(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let cache = ReadCache::new(file);
    let Ok(archive) = ArchiveFile::parse(&cache) else {
        return false;
    };
    archive
        .members()
        .filter_map(Result::ok)
        .filter_map(|m| m.data(&cache).ok())
        .filter_map(|data| object::File::parse(data).ok())
        .take(MEMBERS_LOOKED_AT)
        .any(|obj| {
            obj.sections()
                .any(|s| s.name().is_ok_and(|n| n.starts_with(".gnu.lto_")))
        })
}

/// Whether the libgo.a that `gccgo` links (`-print-file-name=libgo.a`)
/// holds LTO bytecode; `false` when the compiler names none.
pub fn libgo_is_lto(gccgo: &Path) -> bool {
    let Ok(out) = Cmd::new(gccgo)
        .arg("-print-file-name=libgo.a")
        .run(Some(Duration::from_secs(30)))
    else {
        return false;
    };
    let p = Path::new(out.stdout.trim());
    // gcc echoes the bare name back when it finds no such file.
    p.is_absolute() && archive_has_lto(p)
}

/// The link flags for a toolchain whose libgo.a holds LTO bytecode:
/// LTRANS in parallel (`-flto=auto`, gcc's jobserver or one job per CPU),
/// a fixed `-frandom-seed` so that the same objects link to the same bytes,
/// and libgo's two LTO-only warnings off (`main.main`'s declaration in
/// runtime_c.c, and the method stubs of debuglog.go and mcentral.go), which
/// no user can act on. `one_partition` (a link that drops unused sections,
/// as `--size` does) puts the whole program in one partition: reproducible
/// as well, and smaller (hello for ramips: 2.67 MB against 2.77 MB), at
/// about twice the link time.
pub fn link_flags(one_partition: bool) -> Vec<String> {
    let mut f: Vec<String> = [
        "-flto=auto",
        "-frandom-seed=gccgo-build",
        "-Wno-lto-type-mismatch",
        "-Wno-return-local-addr",
    ]
    .map(String::from)
    .to_vec();
    if one_partition {
        f.push("-flto-partition=one".into());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_no_archive_has_no_lto() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("libgo.a");
        std::fs::write(&p, b"not an archive").unwrap();
        assert!(!archive_has_lto(&p));
        assert!(!archive_has_lto(&d.path().join("missing.a")));
    }

    #[test]
    fn one_partition_only_when_asked() {
        assert!(
            !link_flags(false)
                .iter()
                .any(|f| f.starts_with("-flto-partition"))
        );
        assert!(link_flags(true).contains(&"-flto-partition=one".to_string()));
    }
}
