//! Flash: the bytes a binary takes on an OpenWrt device's flash, where the
//! file is stored compressed, so that a user can hold the figure against
//! `df` on the device.
//!
//! Two file systems, each as OpenWrt sets it up:
//!
//! - **squashfs** (the read-only `/rom` of an image, where a package built
//!   into the firmware lands): OpenWrt's include/image.mk runs mksquashfs
//!   with `-b 256k` (`CONFIG_TARGET_SQUASHFS_BLOCK_SIZE`, 256 by default)
//!   and `-comp xz -Xpreset 9 -Xe -Xlc 0 -Xlp 2 -Xpb 2`, adding `-Xbcj`
//!   only for arm, x86, powerpc and sparc kernels: none for MIPS (xz has no
//!   MIPS branch filter). squashfs-tools' xz compressor makes each block
//!   one xz stream (CRC32 check) with the dictionary as large as the block,
//!   and stores a block uncompressed when that is not smaller. So: the file
//!   in 256 KiB blocks, each `xz --check=crc32
//!   --lzma2=preset=9e,lc=0,lp=2,pb=2,dict=256KiB`, the smaller of that
//!   and the block, summed. Not counted: the inode and block list (a few
//!   bytes a block), and that mksquashfs packs the last partial block with
//!   other files' tails into a shared fragment (here it is its own block);
//!   squashfs-tools encodes a block with `lzma_stream_buffer_encode`, whose
//!   block header also holds the two sizes, a few bytes more a block than
//!   the streaming encoder used here and by the `xz` tool.
//! - **JFFS2** (the writable `/overlay` on a NOR flash `mtdblock`, where a
//!   package installed later with opkg or a copied binary lands): the
//!   kernel writes a file as data nodes of at most one 4 KiB page each,
//!   compressed independently with zlib at level 3 (fs/jffs2/compr_zlib.c,
//!   `zlib_deflateInit(def_strm, 3)`; zlib first in OpenWrt's priority
//!   mode), a page kept raw when zlib does not make it smaller; each node
//!   has a 68-byte header (`struct jffs2_raw_inode`) and is padded to 4
//!   bytes. Not counted: the directory entry node and the erase-block
//!   slack the garbage collector needs.
//!
//! This module knows nothing of ELF or builds: it compresses bytes.

use anyhow::{Context, Result};
use serde::Serialize;

/// squashfs's block size in OpenWrt images (`CONFIG_TARGET_SQUASHFS_BLOCK_SIZE`).
pub const SQUASHFS_BLOCK: usize = 256 * 1024;
/// JFFS2's largest data node: one page (4 KiB on MIPS).
pub const JFFS2_PAGE: usize = 4096;
/// The header of a JFFS2 data node (`struct jffs2_raw_inode`), in bytes.
pub const JFFS2_NODE_HEADER: u64 = 68;
/// The zlib level the kernel's JFFS2 compressor uses.
pub const JFFS2_ZLIB_LEVEL: u32 = 3;

/// What a file takes on the device's flash, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Flash {
    /// The bytes measured (the file, or what `strip` leaves of it).
    pub raw: u64,
    /// In an OpenWrt squashfs image: the xz-compressed 256 KiB blocks.
    pub squashfs_xz: u64,
    /// On a JFFS2 overlay: the zlib-compressed 4 KiB pages with their node
    /// headers and padding.
    pub jffs2_zlib: u64,
}

/// Measures `data` as both file systems store it (see the module comment).
/// The blocks are compressed on up to two threads.
///
/// Errors: liblzma or zlib refuse the settings (not for any input).
pub fn measure(data: &[u8]) -> Result<Flash> {
    let (xz, zlib) = std::thread::scope(|s| {
        let xz = s.spawn(|| squashfs_xz(data));
        let zlib = jffs2_zlib(data);
        (xz.join(), zlib)
    });
    let xz = xz.map_err(|_| anyhow::anyhow!("the xz thread stopped"))??;
    Ok(Flash {
        raw: data.len() as u64,
        squashfs_xz: xz,
        jffs2_zlib: zlib?,
    })
}

/// The squashfs figure: each 256 KiB block's xz stream, or the block when
/// that is not smaller, summed.
///
/// Errors: liblzma refuses the options.
pub fn squashfs_xz(data: &[u8]) -> Result<u64> {
    let mut total = 0u64;
    for block in data.chunks(SQUASHFS_BLOCK) {
        total += xz_block(block)?.min(block.len() as u64);
    }
    Ok(total)
}

/// One block as squashfs-tools' xz compressor with OpenWrt's options
/// compresses it: preset 9 extreme, lc 0, lp 2, pb 2, the dictionary as
/// large as a block, CRC32 check. Returns the stream's length in bytes.
fn xz_block(block: &[u8]) -> Result<u64> {
    use liblzma::stream::{Action, Check, Filters, LzmaOptions, PRESET_EXTREME, Status, Stream};
    let mut opts = LzmaOptions::new_preset(9 | PRESET_EXTREME).context("xz preset 9e")?;
    opts.literal_context_bits(0)
        .literal_position_bits(2)
        .position_bits(2)
        .dict_size(SQUASHFS_BLOCK as u32);
    let mut filters = Filters::new();
    filters.lzma2(&opts);
    let mut stream =
        Stream::new_stream_encoder(&filters, Check::Crc32).context("xz stream encoder")?;
    let mut out = Vec::with_capacity(block.len() + block.len() / 2 + 4096);
    let mut input = block;
    loop {
        let before = stream.total_in();
        let action = if input.is_empty() {
            Action::Finish
        } else {
            Action::Run
        };
        if out.len() == out.capacity() {
            out.reserve(64 * 1024);
        }
        let status = stream
            .process_vec(input, &mut out, action)
            .context("xz compression")?;
        let used = (stream.total_in() - before) as usize;
        input = &input[used..];
        if status == Status::StreamEnd {
            return Ok(out.len() as u64);
        }
    }
}

/// The JFFS2 figure: each 4 KiB page zlib-compressed at level 3 (or raw
/// when that is not smaller), plus each node's header, padded to 4 bytes.
///
/// Errors: zlib fails (not for any input).
pub fn jffs2_zlib(data: &[u8]) -> Result<u64> {
    let mut total = 0u64;
    for page in data.chunks(JFFS2_PAGE) {
        let packed = zlib_len(page)?.min(page.len() as u64);
        total += JFFS2_NODE_HEADER + packed.next_multiple_of(4);
    }
    Ok(total)
}

/// The length of `page` as one zlib stream at [`JFFS2_ZLIB_LEVEL`] (the
/// 2-byte header and the Adler-32 included, as JFFS2 stores it).
///
/// Errors: zlib fails.
pub fn zlib_len(page: &[u8]) -> Result<u64> {
    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use std::io::Write;
    let mut e = ZlibEncoder::new(
        Vec::with_capacity(page.len() + 64),
        Compression::new(JFFS2_ZLIB_LEVEL),
    );
    e.write_all(page).context("zlib compression")?;
    Ok(e.finish().context("zlib compression")?.len() as u64)
}

/// What `strip` leaves of an ELF file, approximately: its bytes up to the
/// end of the last section loaded at run time (`SHF_ALLOC`) in the file.
/// `strip` removes the symbol tables and debug information, which the
/// linker places after the loaded sections; the section headers it keeps
/// (a few hundred bytes) are not counted. The whole of `data` when it is
/// not ELF or has no loaded section.
pub fn loaded_part(data: &[u8]) -> &[u8] {
    use object::{Object, ObjectSection, SectionFlags};
    let Ok(file) = object::File::parse(data) else {
        return data;
    };
    let end = file
        .sections()
        .filter(|s| match s.flags() {
            SectionFlags::Elf { sh_flags, .. } => sh_flags.0 & object::elf::SHF_ALLOC.0 != 0,
            _ => false,
        })
        .filter_map(|s| s.file_range())
        .map(|(off, size)| off.saturating_add(size))
        .max();
    match end {
        Some(e) if e > 0 && e <= data.len() as u64 => &data[..e as usize],
        _ => data,
    }
}

/// `2.41 MB xz (squashfs), 3.35 MB zlib (jffs2)`: the two figures as the
/// size line and `size` print them, each number written by `human`.
pub fn describe(f: &Flash, human: impl Fn(u64) -> String) -> String {
    format!(
        "{} xz (squashfs), {} zlib (jffs2)",
        human(f.squashfs_xz),
        human(f.jffs2_zlib)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incompressible_blocks_are_stored_and_pages_keep_their_headers() {
        // A pseudo-random page: neither xz nor zlib make it smaller.
        let mut x = 0x2545_f491u32;
        let noise: Vec<u8> = (0..JFFS2_PAGE + 10)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let f = measure(&noise).unwrap();
        assert_eq!(f.raw, noise.len() as u64);
        assert_eq!(f.squashfs_xz, noise.len() as u64);
        // Two nodes: a full page and 10 bytes padded to 12.
        assert_eq!(f.jffs2_zlib, 68 + 4096 + 68 + 12);
    }

    #[test]
    fn zeros_compress_in_every_block() {
        let zeros = vec![0u8; 3 * SQUASHFS_BLOCK + 5];
        let f = measure(&zeros).unwrap();
        // Four xz streams of a few dozen bytes each.
        assert!(f.squashfs_xz > 4 * 32 && f.squashfs_xz < 4 * 200, "{f:?}");
        let pages = zeros.len().div_ceil(JFFS2_PAGE) as u64;
        assert!(f.jffs2_zlib >= pages * (68 + 12), "{f:?}");
        assert!(f.jffs2_zlib < pages * (68 + 64), "{f:?}");
        assert_eq!(
            describe(&f, |n| n.to_string()),
            format!(
                "{} xz (squashfs), {} zlib (jffs2)",
                f.squashfs_xz, f.jffs2_zlib
            )
        );
    }

    #[test]
    fn not_elf_is_measured_whole() {
        assert_eq!(loaded_part(b"plain bytes"), b"plain bytes");
    }
}
