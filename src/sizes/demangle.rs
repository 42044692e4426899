//! gccgo's symbol names, read back: which package a name says its bytes
//! belong to, and the Go spelling of the name.
//!
//! gccgo 11 and later (checked against gccgo 11.3 and 12.2 binaries, host
//! and mips) write a symbol as `<pkgpath>.<name>`, every piece encoded so
//! that a `.` only ever separates pieces: `_0` is `.`, `_1` is `/`, `__` is
//! `_`, `_2`…`_c` are `* , { } [ ] ( ) " space ;`, `_xNN`/`_uNNNN`/`_UNNNNNNNN`
//! any other character (`encoding_1json.decodeState.object` is
//! `encoding/json.decodeState.object`). gccgo's own markers follow a `..`:
//! `pkg..import` (the package's initialiser), `pkg..types`, `pkg.T..d` (a
//! type descriptor), `..p`, `..eq`, `..f`, `..stub`, `..func1`. Unnamed
//! types are `type..<type>` (`type.._2_2bytes_0Buffer` is `**bytes.Buffer`),
//! garbage-collection masks `gcbits..`, interface tables
//! `imt..<interface>..<pkg>.<Type>`, and a package's numbered constant data
//! `go..C123`, whose name does not say the package. GCC 9 and 10 (the "v2"
//! scheme) escaped with `..z2f` and `.x2e` instead: [`v2_to_v3`] rewrites
//! such a name into the later form first.
//!
//! This module knows only names: which object file a symbol came from, and
//! where it lies, is the business of `sizes`.

/// What a symbol's name alone says about where its bytes belong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A Go symbol whose name starts with this package path (decoded). For
    /// a type declared inside a function the path still carries the outer
    /// names (`net.sysDialer.dialParallel.dialResult`); `sizes` cuts it back
    /// to the longest package path it knows (`net`).
    Package(String),
    /// A type descriptor or GC mask that names no package: predeclared and
    /// unnamed types (`int..d`, `type..func(unsafe.Pointer)`), `gcbits..`,
    /// `go..typelists`, methods of unnamed struct types.
    TypeData,
    /// gccgo's numbered constant data (`go..C123`): it belongs to the
    /// package of the object file it came from.
    ObjectData,
    /// A C-style numbered static (`msg.0`, `CSWTCH.12`): the object file's
    /// package when that is Go, else C.
    CStatic,
    /// A C name (no Go mangling): libgo's C runtime, libc, libgcc.
    C,
}

/// A symbol name, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// What the name says.
    pub origin: Origin,
    /// The name as Go spells it (`example.com/minion/internal/wire.Decode`),
    /// or `None` for a C name.
    pub go_name: Option<String>,
}

/// GCC's suffixes for clones of a function, each followed by `.N`
/// (`net.f.isra.0`, `elf_add.part.0.constprop.0`): dropped before the name
/// is read. `.cold` and `.localalias` come without a number.
const CLONE_SUFFIXES: &[&str] = &[
    "isra",
    "part",
    "constprop",
    "lto_priv",
    "clone",
    "specialize",
];

/// Go's predeclared types (the gate's list, and `any`): their descriptors
/// (`int..d`, `error..p`) belong to no package.
fn predeclared(name: &str) -> bool {
    name == "any" || crate::gate::PREDECLARED_TYPES.contains(&name)
}

/// Classifies one symbol name (see the module comment for the forms).
pub fn classify(name: &str) -> Name {
    let name = strip_clone_suffix(name);
    let go = |origin| Name {
        origin,
        go_name: Some(go_name(name)),
    };
    if let Some(rest) = name.strip_prefix("type..") {
        return go(named_type_package(rest).map_or(Origin::TypeData, Origin::Package));
    }
    if name.starts_with("gcbits..") || name == "go..typelists" {
        return go(Origin::TypeData);
    }
    if let Some(rest) = name.strip_prefix("go..") {
        let numbered = rest.strip_prefix('C').is_some_and(all_digits);
        return go(if numbered {
            Origin::ObjectData
        } else {
            Origin::TypeData
        });
    }
    if name.starts_with("imt..") || name.starts_with("pimt..") {
        // imt..<interface>..<pkg>.<Type>: the concrete type's package.
        let tail = name.rfind("..").map_or("", |i| &name[i + 2..]);
        let origin = match classify(tail).origin {
            Origin::Package(p) => Origin::Package(p),
            _ => Origin::TypeData,
        };
        return go(origin);
    }
    if name.starts_with("DW.ref.") {
        // GCC's reference to a C personality routine (`DW.ref.__gcc_personality_v0`).
        return Name {
            origin: Origin::C,
            go_name: None,
        };
    }
    let Some((first, rest)) = name.split_once('.') else {
        return Name {
            origin: Origin::C,
            go_name: None,
        };
    };
    if first.is_empty() || rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit()) {
        // `msg.0`, `CSWTCH.12`: GCC's numbered statics (C, or Go switch tables).
        return Name {
            origin: Origin::CStatic,
            go_name: None,
        };
    }
    if !first
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Name {
            origin: Origin::C,
            go_name: None,
        };
    }
    let pkg = decode(first);
    if pkg.starts_with('_') {
        // `__x86.get_pc_thunk.bx` and the like: C with a dot.
        return Name {
            origin: Origin::C,
            go_name: None,
        };
    }
    if rest.starts_with('.') && predeclared(&pkg) {
        return go(Origin::TypeData);
    }
    if !is_import_path(&pkg) {
        // A method of an unnamed type: `struct{runtime.gList; …}.push..stub`.
        return go(Origin::TypeData);
    }
    go(Origin::Package(pkg))
}

/// `name` without GCC's clone suffixes (`isra`, `part`, `constprop` … with their
/// number, `.cold`, `.localalias`).
pub fn strip_clone_suffix(name: &str) -> &str {
    let mut s = name;
    loop {
        let numbered = s
            .rsplit_once('.')
            .filter(|(_, n)| all_digits(n))
            .and_then(|(head, _)| head.rsplit_once('.'))
            .filter(|(_, kind)| CLONE_SUFFIXES.contains(kind))
            .map(|(head, _)| head);
        let bare = s
            .strip_suffix(".cold")
            .or_else(|| s.strip_suffix(".localalias"));
        match numbered.or(bare) {
            Some(head) if !head.is_empty() && !head.ends_with('.') => s = head,
            _ => return s,
        }
    }
}

/// The Go spelling of a mangled name: each `.`-separated piece decoded
/// ([`decode`]), the dots kept (`..import`, `..d` stay as gccgo wrote them).
pub fn go_name(name: &str) -> String {
    name.split('.').map(decode).collect::<Vec<_>>().join(".")
}

/// Decodes one piece of a gccgo ≥ 11 name (`example_0com_1minion` →
/// `example.com/minion`, `mheap__` → `mheap_`). An `_` that starts no valid
/// escape is kept as it is.
pub fn decode(piece: &str) -> String {
    let b = piece.as_bytes();
    let mut out = String::with_capacity(piece.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'_' || i + 1 >= b.len() {
            let c = piece[i..].chars().next().unwrap_or('_');
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let simple = match b[i + 1] {
            b'_' => Some('_'),
            b'0' => Some('.'),
            b'1' => Some('/'),
            b'2' => Some('*'),
            b'3' => Some(','),
            b'4' => Some('{'),
            b'5' => Some('}'),
            b'6' => Some('['),
            b'7' => Some(']'),
            b'8' => Some('('),
            b'9' => Some(')'),
            b'a' => Some('"'),
            b'b' => Some(' '),
            b'c' => Some(';'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
            continue;
        }
        let digits = match b[i + 1] {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        let code = (digits > 0)
            .then(|| piece.get(i + 2..i + 2 + digits))
            .flatten()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                i += 2 + digits;
            }
            None => {
                out.push('_');
                i += 1;
            }
        }
    }
    out
}

/// Rewrites a GCC 9/10 ("v2") name into the GCC 11 form that [`classify`]
/// reads: `.x2e` → `_0`, `..z2f` → `_1`, `..uNNNN`/`..UNNNNNNNN` → `_u…`/`_U…`.
/// Only for files whose `.comment` names GCC 9 or 10: in a later name,
/// `..z2f` could be a marker.
pub fn v2_to_v3(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(".x2e") {
            out.push_str("_0");
            rest = r;
            continue;
        }
        let esc = [("..z", 2, 'x'), ("..u", 4, 'u'), ("..U", 8, 'U')]
            .into_iter()
            .find_map(|(p, n, tag)| {
                let hex = rest.strip_prefix(p)?.get(..n)?;
                let v = u32::from_str_radix(hex, 16).ok()?;
                Some((v, n + 3, tag))
            });
        if let Some((v, len, tag)) = esc {
            match char::from_u32(v).and_then(v3_code) {
                Some(code) => {
                    out.push('_');
                    out.push(code);
                }
                None => out.push_str(&format!("_{tag}{}", &rest[3..len])),
            }
            rest = &rest[len..];
            continue;
        }
        let c = rest.chars().next().unwrap_or('.');
        if c == '_' {
            out.push_str("__");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The one-letter code of gccgo 11's escape for `c`, if it has one.
fn v3_code(c: char) -> Option<char> {
    Some(match c {
        '_' => '_',
        '.' => '0',
        '/' => '1',
        '*' => '2',
        ',' => '3',
        '{' => '4',
        '}' => '5',
        '[' => '6',
        ']' => '7',
        '(' => '8',
        ')' => '9',
        '"' => 'a',
        ' ' => 'b',
        ';' => 'c',
        _ => return None,
    })
}

/// For `type..<T>`: the package of the named type T is built from, when T
/// is a named type behind pointers, slices and arrays (`**bytes.Buffer`,
/// `[]net.IP`), or a function type whose first parameter is one (the type
/// of a method with its receiver, `func(*bytes.Buffer, int) []uint8`, as
/// the method tables hold it); `None` for the other unnamed types.
fn named_type_package(rest: &str) -> Option<String> {
    let main = rest.split('.').find(|p| !p.is_empty())?;
    let t = decode(main);
    let t = match t.strip_prefix("func(") {
        Some(params) => &params[..params.find([',', ')'])?],
        None => t.as_str(),
    };
    let (pkg, _) = strip_type_constructors(t)?.rsplit_once('.')?;
    is_import_path(pkg).then(|| pkg.to_string())
}

/// `t` without leading `*`, `[]` and `[N]`; `None` when a bracket holds
/// anything but a length (a map, say).
fn strip_type_constructors(mut t: &str) -> Option<&str> {
    loop {
        if let Some(r) = t.strip_prefix('*') {
            t = r;
        } else if let Some(r) = t.strip_prefix('[') {
            let close = r.find(']')?;
            if !r[..close].bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            t = &r[close + 1..];
        } else {
            return Some(t);
        }
    }
}

/// Whether `s` can be a package path (with, for a type declared inside a
/// function, the outer names after a `.`): no brackets, blanks or quotes.
fn is_import_path(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['/', '.'])
        && !s.contains("//")
        && !s
            .chars()
            .any(|c| "{}[]()*;, \"".contains(c) || c.is_control())
}

/// True for a non-empty run of ASCII digits.
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The first element of the standard library's package paths (libgo's,
/// and the later Go releases'): a package under one of these is `std`.
const STD_ROOTS: &[&str] = &[
    "archive",
    "bufio",
    "builtin",
    "bytes",
    "cmp",
    "compress",
    "container",
    "context",
    "crypto",
    "database",
    "debug",
    "embed",
    "encoding",
    "errors",
    "expvar",
    "flag",
    "fmt",
    "go",
    "hash",
    "html",
    "image",
    "index",
    "internal",
    "io",
    "iter",
    "log",
    "maps",
    "math",
    "mime",
    "net",
    "os",
    "path",
    "plugin",
    "reflect",
    "regexp",
    "runtime",
    "slices",
    "sort",
    "strconv",
    "strings",
    "sync",
    "syscall",
    "testing",
    "text",
    "time",
    "unicode",
    "unique",
    "unsafe",
    "weak",
];

/// The golang.org/x packages libgo carries inside itself (GCC 11 and 12's
/// `libgo/go/golang.org/x`, read from `libgo.a`): part of the standard
/// library of a gccgo binary.
const LIBGO_VENDORED: &[&str] = &[
    "golang.org/x/crypto/chacha20",
    "golang.org/x/crypto/chacha20poly1305",
    "golang.org/x/crypto/cryptobyte",
    "golang.org/x/crypto/cryptobyte/asn1",
    "golang.org/x/crypto/curve25519",
    "golang.org/x/crypto/curve25519/internal/field",
    "golang.org/x/crypto/hkdf",
    "golang.org/x/crypto/internal/poly1305",
    "golang.org/x/crypto/internal/subtle",
    "golang.org/x/crypto/poly1305",
    "golang.org/x/net/dns/dnsmessage",
    "golang.org/x/net/http/httpguts",
    "golang.org/x/net/http/httpproxy",
    "golang.org/x/net/http2/hpack",
    "golang.org/x/net/idna",
    "golang.org/x/net/nettest",
    "golang.org/x/sys/cpu",
    "golang.org/x/text/secure/bidirule",
    "golang.org/x/text/transform",
    "golang.org/x/text/unicode/bidi",
    "golang.org/x/text/unicode/norm",
];

/// Whether a package path belongs to the standard library (libgo): its
/// first element is a standard one (`fmt`, `runtime`, `net/netip`), or it is
/// one of the golang.org/x packages libgo carries. `main` and module paths
/// (`example.com/…`) are the user's; so is a GOPATH package whose first
/// element happens to be a standard name, which the name cannot tell apart.
pub fn is_std(pkgpath: &str) -> bool {
    let root = pkgpath.split('/').next().unwrap_or("");
    STD_ROOTS.contains(&root) || LIBGO_VENDORED.contains(&pkgpath)
}

/// C names of libgo's C runtime and of the GCC libraries it links in
/// (libbacktrace, libffi, libatomic, libgcc's unwinder and split stacks):
/// prefixes, and whole names ending in `$`.
const LIBGO_C: &[&str] = &[
    "runtime_",
    "__go_",
    "__gccgo_",
    "_cgo_",
    "backtrace_",
    "ffi_",
    "libat_",
    "__atomic_",
    "__morestack",
    "__splitstack_",
    "__generic_",
    "__stack_split_",
    "_Unwind_",
    "__gcc_personality",
    "__register_frame",
    "__deregister_frame",
    "__frame_state_for",
    "usestackmaps$",
    "main$",
];

/// Whether a C name is libgo's (or a GCC support library's it pulls in)
/// rather than libc's (by prefixes: `runtime_`, `__go_`, `backtrace_`, `ffi_`, `_Unwind_` …).
pub fn is_libgo_c(name: &str) -> bool {
    let name = name.strip_prefix("DW.ref.").unwrap_or(name);
    LIBGO_C.iter().any(|p| match p.strip_suffix('$') {
        Some(whole) => name == whole,
        None => name.starts_with(p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(name: &str) -> Option<String> {
        match classify(name).origin {
            Origin::Package(p) => Some(p),
            _ => None,
        }
    }

    /// Names copied from `nm -S --size-sort` of examples/minion built by
    /// gccgo 12.2 (host x86-64 and mips-linux-gnu) and gccgo 11.3 (host):
    /// (symbol, package or the origin, Go name).
    const REAL: &[(&str, &str, &str)] = &[
        // gccgo 12.2, x86-64
        ("main.run", "main", "main.run"),
        (
            "example_0com_1minion_1internal_1probe.Default..func1..f",
            "example.com/minion/internal/probe",
            "example.com/minion/internal/probe.Default..func1..f",
        ),
        (
            "example_0com_1minion_1internal_1wire._6256_7uint8..eq..f",
            "example.com/minion/internal/wire",
            "example.com/minion/internal/wire.[256]uint8..eq..f",
        ),
        (
            "example_0com_1minion_1internal_1version..types",
            "example.com/minion/internal/version",
            "example.com/minion/internal/version..types",
        ),
        (
            "golang_0org_1x_1net_1dns_1dnsmessage.Parser.resource",
            "golang.org/x/net/dns/dnsmessage",
            "golang.org/x/net/dns/dnsmessage.Parser.resource",
        ),
        ("unicode..import", "unicode", "unicode..import"),
        ("net_1netip.ParseAddr", "net/netip", "net/netip.ParseAddr"),
        (
            "encoding_1json.decodeState.literalStore",
            "encoding/json",
            "encoding/json.decodeState.literalStore",
        ),
        ("runtime.mheap__", "runtime", "runtime.mheap_"),
        (
            "syscall.forkAndExecInChild1.isra.0",
            "syscall",
            "syscall.forkAndExecInChild1",
        ),
        (
            "net_0sysDialer_0dialParallel_0dialResult.Close..stub",
            "net.sysDialer.dialParallel.dialResult",
            "net.sysDialer.dialParallel.dialResult.Close..stub",
        ),
        (
            "runtime_1internal_1atomic.Load64",
            "runtime/internal/atomic",
            "runtime/internal/atomic.Load64",
        ),
        ("unsafe.Pointer..d", "unsafe", "unsafe.Pointer..d"),
        ("type.._2_2bytes_0Buffer", "bytes", "type..**bytes.Buffer"),
        (
            "imt..interface_4Error_bfunc_8_9_8string_9_5..encoding_1base64.CorruptInputError",
            "encoding/base64",
            "imt..interface{Error func()(string)}..encoding/base64.CorruptInputError",
        ),
        ("go..C209", "ObjectData", "go..C209"),
        ("go..typelists", "TypeData", "go..typelists"),
        ("gcbits..Bc", "TypeData", "gcbits..Bc"),
        ("uint8..d", "TypeData", "uint8..d"),
        ("error..p", "TypeData", "error..p"),
        (
            "type..func_8_2bytes_0Buffer_3int_9_8_6_7uint8_9",
            "bytes",
            "type..func(*bytes.Buffer,int)([]uint8)",
        ),
        (
            "type..func_8_6_7uint8_9_8int_3error_9",
            "TypeData",
            "type..func([]uint8)(int,error)",
        ),
        (
            "type.._60x_7encoding_1json_0field",
            "encoding/json",
            "type..[0x]encoding/json.field",
        ),
        (
            "struct_4runtime_0gList_cruntime_0n_bint32_5.push..stub",
            "TypeData",
            "struct{runtime.gList;runtime.n int32}.push..stub",
        ),
        ("msg.0", "CStatic", ""),
        ("elf_add", "C", ""),
        ("__go_go", "C", ""),
        ("DW.ref.__gccgo_personality_v0", "C", ""),
        ("elf_uncompress_zdebug.part.0.constprop.0", "C", ""),
        // gccgo 12.2, mips-linux-gnu
        ("CSWTCH.94", "CStatic", ""),
        ("libat_lock_n", "C", ""),
        (
            "runtime_0check_0y1t_0i1..d",
            "runtime.check.y1t.i1",
            "runtime.check.y1t.i1..d",
        ),
        // gccgo 11.3, x86-64
        (
            "bytes.makeCutsetFunc..func1",
            "bytes",
            "bytes.makeCutsetFunc..func1",
        ),
        (
            "internal_1poll.destroyTempPipe.isra.0",
            "internal/poll",
            "internal/poll.destroyTempPipe",
        ),
        (
            "internal_1cpu.struct_4internal_1cpu_0___binternal_1cpu_0CacheLinePad_cHasAES_bbool_5..eq",
            "internal/cpu",
            "internal/cpu.struct{internal/cpu._ internal/cpu.CacheLinePad;HasAES bool}..eq",
        ),
        ("io.pipe.CloseRead..func1", "io", "io.pipe.CloseRead..func1"),
    ];

    #[test]
    fn real_gccgo_names() {
        for (sym, want, go) in REAL {
            let n = classify(sym);
            let got = match &n.origin {
                Origin::Package(p) => p.clone(),
                o => format!("{o:?}"),
            };
            assert_eq!(&got, want, "{sym}");
            assert_eq!(n.go_name.as_deref().unwrap_or(""), *go, "{sym}");
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(decode("go_0l_u00e4ufer"), "go.läufer");
        assert_eq!(decode("a_x2db"), "a-b");
        assert_eq!(decode("odd_"), "odd_");
        assert_eq!(decode("bad_zz"), "bad_zz");
        assert_eq!(decode("_u12"), "_u12");
    }

    #[test]
    fn gcc_10_names_are_rewritten() {
        // As src/plan.rs mangle_pkgpath spells package paths for GCC 9 and 10.
        let v3 = v2_to_v3("example.x2ecom..z2fminion..z2finternal..z2fwire.Decode");
        assert_eq!(v3, "example_0com_1minion_1internal_1wire.Decode");
        assert_eq!(
            pkg(&v3).as_deref(),
            Some("example.com/minion/internal/wire")
        );
        assert_eq!(v2_to_v3("go.x2el..u00e4ufer.Run"), "go_0l_u00e4ufer.Run");
        assert_eq!(v2_to_v3("runtime.mheap_"), "runtime.mheap__");
        assert_eq!(v2_to_v3("net..import"), "net..import");
    }

    #[test]
    fn clone_suffixes() {
        assert_eq!(strip_clone_suffix("a.b.isra.0"), "a.b");
        assert_eq!(strip_clone_suffix("f.part.0.constprop.0"), "f");
        assert_eq!(strip_clone_suffix("f.cold"), "f");
        assert_eq!(
            strip_clone_suffix("net/http.Header.clone"),
            "net/http.Header.clone"
        );
        assert_eq!(strip_clone_suffix("pkg..import"), "pkg..import");
    }

    #[test]
    fn std_or_user() {
        assert!(is_std("runtime"));
        assert!(is_std("net/netip"));
        assert!(is_std("golang.org/x/net/dns/dnsmessage"));
        assert!(!is_std("golang.org/x/sys/unix"));
        assert!(!is_std("example.com/minion/internal/wire"));
        assert!(!is_std("main"));
        assert!(is_libgo_c("backtrace_dwarf_add"));
        assert!(is_libgo_c("main"));
        assert!(is_libgo_c("DW.ref.__gcc_personality_v0"));
        assert!(!is_libgo_c("mainloop"));
        assert!(!is_libgo_c("memcpy"));
    }
}
