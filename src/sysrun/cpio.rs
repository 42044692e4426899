//! A writer of the cpio "newc" archive format, the one the Linux kernel
//! unpacks as an initramfs (Documentation/driver-api/early-userspace/
//! buffer-format.rst): each entry is a 110-byte ASCII header (`070701`
//! and thirteen 8-digit hex fields), the NUL-terminated name, padding to
//! 4 bytes, the data, padding to 4 bytes; the archive ends with an entry
//! named `TRAILER!!!`. Uncompressed: the kernel takes it as it is.

use std::io::{self, Write};

/// Mode bits of the file type (as `stat.h`'s `S_IFDIR`, `S_IFREG`, …).
const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;

/// An archive being written to `W`; inode numbers count up from 1.
pub struct Writer<W: Write> {
    out: W,
    ino: u32,
    written: u64,
}

impl<W: Write> Writer<W> {
    /// An archive writing to `out`.
    pub fn new(out: W) -> Writer<W> {
        Writer {
            out,
            ino: 0,
            written: 0,
        }
    }

    /// A directory `name` (no leading `/`, e.g. `sysrun`), mode `perm`.
    pub fn dir(&mut self, name: &str, perm: u32) -> io::Result<()> {
        self.entry(name, S_IFDIR | perm, 0, &[])
    }

    /// A regular file with `data`, mode `perm`.
    pub fn file(&mut self, name: &str, perm: u32, data: &[u8]) -> io::Result<()> {
        self.entry(name, S_IFREG | perm, 0, data)
    }

    /// A symbolic link `name` → `target`.
    pub fn symlink(&mut self, name: &str, target: &str) -> io::Result<()> {
        self.entry(name, S_IFLNK | 0o777, 0, target.as_bytes())
    }

    /// A character device node (`dev/console` is 5:1).
    pub fn char_dev(&mut self, name: &str, perm: u32, major: u32, minor: u32) -> io::Result<()> {
        self.entry(name, S_IFCHR | perm, (major << 16) | minor, &[])
    }

    /// Ends the archive (`TRAILER!!!`) and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.ino = 0;
        self.entry("TRAILER!!!", 0, 0, &[])?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// One entry; `rdev` is major << 16 | minor.
    fn entry(&mut self, name: &str, mode: u32, rdev: u32, data: &[u8]) -> io::Result<()> {
        if name != "TRAILER!!!" {
            self.ino += 1;
        }
        let size = u32::try_from(data.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "file over 4 GiB"))?;
        let nlink = if mode & S_IFDIR != 0 { 2 } else { 1 };
        let fields = [
            self.ino,
            mode,
            0, // uid
            0, // gid
            nlink,
            0, // mtime
            size,
            0, // dev major
            0, // dev minor
            rdev >> 16,
            rdev & 0xffff,
            u32::try_from(name.len() + 1).unwrap_or(u32::MAX),
            0, // check
        ];
        let mut head = String::from("070701");
        for f in fields {
            head.push_str(&format!("{f:08X}"));
        }
        self.put(head.as_bytes())?;
        self.put(name.as_bytes())?;
        self.put(&[0])?;
        self.pad()?;
        self.put(data)?;
        self.pad()
    }

    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.out.write_all(b)?;
        self.written += b.len() as u64;
        Ok(())
    }

    fn pad(&mut self) -> io::Result<()> {
        let n = (4 - self.written % 4) % 4;
        self.put(&[0u8; 3][..n as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_newc_headers_names_and_data_on_four_byte_boundaries() {
        let mut w = Writer::new(Vec::new());
        w.dir("d", 0o755).unwrap();
        w.file("d/f", 0o644, b"hello").unwrap();
        let out = w.finish().unwrap();
        // Header 110 + "d\0" = 112 (aligned); the file: 110 + "d/f\0" = 114 → 116, data 5 → 8.
        assert_eq!(&out[..6], b"070701");
        assert_eq!(&out[6..14], b"00000001");
        assert_eq!(&out[14..22], b"000041ED");
        assert_eq!(&out[110..112], b"d\0");
        assert_eq!(&out[112..118], b"070701");
        assert_eq!(&out[112 + 54..112 + 62], b"00000005");
        assert_eq!(&out[112 + 110..112 + 114], b"d/f\0");
        assert_eq!(&out[228..233], b"hello");
        assert_eq!(out.len() % 4, 0);
        assert!(out.windows(10).any(|w| w == b"TRAILER!!!"));
    }
}
