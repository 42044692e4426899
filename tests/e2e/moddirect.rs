//! GOPROXY=direct for modules hosted in git: repositories made here (fixed
//! commit dates, tags, a branch), served by a real nginx as git's dumb
//! HTTP (`git update-server-info`) plus a static page answering
//! `?go-get=1` with go-import meta tags. The module paths are on
//! `example.test`, which both tools reach through `http_proxy` (a small
//! forwarding thread in front of nginx that also answers CONNECT, which
//! ureq uses); GOINSECURE=example.test allows plain http as go requires.
//! Each answer is compared with the real go 1.19 on the same repositories.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use crate::common::*;
use crate::remote::{free_port, terminate};

/// Commit dates of the fixture repository (UTC).
const DATES: [&str; 4] = [
    "2021-01-02T03:04:05Z",
    "2021-02-03T04:05:06Z",
    "2021-03-04T05:06:07Z",
    "2021-04-05T06:07:08Z",
];

/// Runs git in `dir` with fixed identities and `date`; panics on failure.
fn git(dir: &Path, date: &str, args: &[&str]) -> String {
    let o = run(Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.test")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.test")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir));
    assert!(o.status.success(), "git {args:?}: {o:?}");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// nginx serving `www/` (git repositories and `goget.html` for every
/// `?go-get=1`), and the forwarding proxy in front of it.
struct GitHost {
    dir: tempfile::TempDir,
    proxy_port: u16,
    child: Option<Child>,
}

impl GitHost {
    fn start() -> GitHost {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("tmp")).unwrap();
        std::fs::create_dir_all(d.join("www/repo")).unwrap();
        let port = free_port();
        let p = d.display();
        crate::remote::write_nginx_conf(
            d,
            1,
            &format!(
                "server {{\n    listen 127.0.0.1:{port};\n    root {p}/www;\n\
                 location / {{ if ($args ~ \"go-get=1\") {{ rewrite ^ /goget.html break; }} }}\n  }}\n"
            ),
        );
        let child = crate::remote::spawn_nginx(d, port);
        GitHost {
            proxy_port: forwarder(port),
            dir,
            child: Some(child),
        }
    }

    fn www(&self) -> PathBuf {
        self.dir.path().join("www")
    }

    /// The environment both tools run with.
    fn env<'a>(&self, c: &'a mut Command, modcache: &Path) -> &'a mut Command {
        c.env(
            "http_proxy",
            format!("http://127.0.0.1:{}", self.proxy_port),
        )
        .env(
            "HTTP_PROXY",
            format!("http://127.0.0.1:{}", self.proxy_port),
        )
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("no_proxy")
        .env_remove("NO_PROXY")
        .env("GOINSECURE", "example.test")
        .env("GOPROXY", "direct")
        .env("GOSUMDB", "off")
        .env("GOFLAGS", "-modcacherw")
        .env("GOMODCACHE", modcache)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GOPRIVATE")
        .env_remove("GONOPROXY")
        .env_remove("GONOSUMDB")
    }
}

impl Drop for GitHost {
    fn drop(&mut self) {
        // Stop the forwarder: connect and close at once.
        drop(TcpStream::connect(("127.0.0.1", self.proxy_port)));
        if let Some(mut c) = self.child.take() {
            terminate(c.id());
            let _ = c.wait();
        }
    }
}

/// A forwarding HTTP proxy on a free port in front of nginx on `to`: a
/// plain request (absolute URI, as go and git send) is passed on as it
/// is; `CONNECT host:80` (ureq's way) is answered 200 and then spliced;
/// CONNECT to any other port (https) is refused, so https fails fast and
/// both tools fall back to http as GOINSECURE allows.
fn forwarder(to: u16) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            // A connection that sends nothing (GitHost's drop) ends the forwarder.
            let mut first = [0u8; 1];
            match c.peek(&mut first) {
                Ok(0) => break,
                Ok(_) => {}
                Err(_) => continue,
            }
            std::thread::spawn(move || forward(c, to));
        }
    });
    port
}

fn forward(mut c: TcpStream, to: u16) {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
        match c.read(&mut b) {
            Ok(1) => head.push(b[0]),
            _ => return,
        }
    }
    let line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let Ok(mut up) = TcpStream::connect(("127.0.0.1", to)) else {
        return;
    };
    if let Some(target) = line.strip_prefix("CONNECT ") {
        if !target
            .split_whitespace()
            .next()
            .unwrap_or("")
            .ends_with(":80")
        {
            let _ = c.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        let _ = c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    } else if up.write_all(&head).is_err() {
        return;
    }
    let (mut c2, mut up2) = (c.try_clone().unwrap(), up.try_clone().unwrap());
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up2, &mut c2);
        let _ = c2.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut c, &mut up);
    let _ = up.shutdown(std::net::Shutdown::Write);
    let _ = t.join();
}

/// Makes the fixture repositories under `www`:
/// - `repo/mod.git` for `example.test/mod` (meta tag): v1.0.0 (lightweight),
///   v1.1.0 (annotated), an untagged commit on main, branch `dev` one
///   further; a vendor/ package and a nested module `sub/` that go leaves
///   out of the zip; a symlink.
/// - `repo/plain.git` for `example.test/repo/plain.git` (the static
///   `.git` rule): one untagged commit (a v0.0.0 pseudo-version).
///
/// Returns (hash of main's head, hash of dev's head).
fn make_repos(www: &Path) -> (String, String) {
    let src = www.parent().unwrap().join("src");
    let m = src.join("mod");
    std::fs::create_dir_all(&m).unwrap();
    git(&m, DATES[0], &["init", "-q", "-b", "main"]);
    write_tree(
        &m,
        &[
            ("go.mod", "module example.test/mod\n\ngo 1.16\n"),
            (
                "mod.go",
                "package mod\n\n// Hello names the version.\nfunc Hello() string { return \"v1.0.0\" }\n",
            ),
            ("vendor/modules.txt", "# vendored\n"),
            ("vendor/x/x.go", "package x\n"),
            ("sub/go.mod", "module example.test/mod/sub\n"),
            ("sub/s.go", "package sub\n"),
        ],
    );
    // Not UTF-8: copied byte for byte into the `sub` module's zip (its ziphash is compared).
    std::fs::write(m.join("LICENSE"), b"fixture licence \xff\xfe\n").unwrap();
    std::os::unix::fs::symlink("mod.go", m.join("link.go")).unwrap();
    git(&m, DATES[0], &["add", "-A"]);
    git(&m, DATES[0], &["commit", "-qm", "one"]);
    git(&m, DATES[0], &["tag", "v1.0.0"]);
    // The nested module `example.test/mod/sub`: tags under `sub/`.
    git(&m, DATES[0], &["tag", "sub/v0.1.0-pre"]);
    let hello = |v: &str| {
        format!(
            "package mod\n\n// Hello names the version.\nfunc Hello() string {{ return \"{v}\" }}\n"
        )
    };
    std::fs::write(m.join("mod.go"), hello("v1.1.0")).unwrap();
    git(&m, DATES[1], &["commit", "-qam", "two"]);
    git(&m, DATES[1], &["tag", "-a", "v1.1.0", "-m", "annotated"]);
    std::fs::write(m.join("mod.go"), hello("main")).unwrap();
    // `example.test/mod/v2` in the major subdirectory v2/, tagged v2.0.0.
    write_tree(
        &m,
        &[
            ("v2/go.mod", "module example.test/mod/v2\n\ngo 1.16\n"),
            (
                "v2/mod.go",
                "package mod\n\n// Major is 2.\nconst Major = 2\n",
            ),
        ],
    );
    git(&m, DATES[2], &["add", "-A"]);
    git(&m, DATES[2], &["commit", "-qam", "three"]);
    git(&m, DATES[2], &["tag", "v2.0.0"]);
    let main = git(&m, DATES[2], &["rev-parse", "HEAD"]);
    git(&m, DATES[2], &["checkout", "-qb", "dev"]);
    std::fs::write(m.join("mod.go"), hello("dev")).unwrap();
    git(&m, DATES[3], &["commit", "-qam", "four"]);
    let dev = git(&m, DATES[3], &["rev-parse", "HEAD"]);
    git(&m, DATES[3], &["checkout", "-q", "main"]);

    let p = src.join("plain");
    std::fs::create_dir_all(&p).unwrap();
    git(&p, DATES[1], &["init", "-q", "-b", "main"]);
    write_tree(
        &p,
        &[
            ("go.mod", "module example.test/repo/plain.git\n\ngo 1.16\n"),
            (
                "plain.go",
                "package plain\n\n// Word is a word.\nconst Word = \"plain\"\n",
            ),
        ],
    );
    git(&p, DATES[1], &["add", "-A"]);
    git(&p, DATES[1], &["commit", "-qm", "plain"]);

    // `example.test/repo/old.git`: no go.mod, tags up to v2.1.0, one more
    // commit: go's `+incompatible` versions.
    let o = src.join("old");
    std::fs::create_dir_all(&o).unwrap();
    git(&o, DATES[0], &["init", "-q", "-b", "main"]);
    for (i, tag) in ["v1.0.0", "v2.0.0", "v2.1.0", ""].iter().enumerate() {
        std::fs::write(
            o.join("old.go"),
            format!("package old\n\n// N counts.\nconst N = {i}\n"),
        )
        .unwrap();
        git(&o, DATES[i], &["add", "-A"]);
        git(&o, DATES[i], &["commit", "-qm", "old"]);
        if !tag.is_empty() {
            git(&o, DATES[i], &["tag", tag]);
        }
    }
    for (s, name) in [(&m, "mod.git"), (&p, "plain.git"), (&o, "old.git")] {
        let bare = www.join("repo").join(name);
        git(
            www,
            DATES[0],
            &[
                "clone",
                "-q",
                "--bare",
                s.to_str().unwrap(),
                bare.to_str().unwrap(),
            ],
        );
        git(&bare, DATES[0], &["update-server-info"]);
    }
    // go's static rule fetches `example.test/repo/plain.git` from
    // http://example.test/repo/plain (the `.git` is the VCS marker).
    std::os::unix::fs::symlink("plain.git", www.join("repo/plain")).unwrap();
    std::os::unix::fs::symlink("old.git", www.join("repo/old")).unwrap();
    std::fs::write(
        www.join("goget.html"),
        "<!DOCTYPE html>\n<html><head>\n\
         <meta name=\"go-import\" content=\"example.test/mod git http://example.test/repo/mod.git\">\n\
         <meta name=\"go-import\" content=\"example.test/hgmod hg http://example.test/repo/hgmod\">\n\
         <meta name=\"go-import\" content=\"example.test/evil git ext::sh\">\n\
         <meta name=\"go-import\" content=\"example.test/local git /srv/repo.git\">\n\
         </head><body>go get</body></html>\n",
    )
    .unwrap();
    (main, dev)
}

/// gccgo-build (no go on PATH) in `dir` with the host's environment.
fn gb_at(host: &GitHost, dir: &Path, modcache: &Path, args: &[&str]) -> Output {
    let mut c = bin();
    c.current_dir(dir).args(args).env("PATH", path_without_go());
    run(host.env(&mut c, modcache))
}

/// go 1.19 with the same environment (the build cache modfetch's tests
/// share, so the standard library is compiled once per run).
fn go_at(host: &GitHost, dir: &Path, modcache: &Path, args: &[&str]) -> Output {
    run(host.env(&mut go_cmd(dir), modcache).args(args))
}

fn go_cmd(dir: &Path) -> Command {
    let mut c = Command::new("go");
    c.current_dir(dir).env(
        "GOCACHE",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("modfetch-gocache"),
    );
    c
}

/// PATH without go (the suite's helper), with git.
fn path_without_go() -> String {
    crate::modfetch::path_without_go()
}

/// (file, contents) of the download cache's metadata, `.zip` and lock files left out.
fn cache_files(modcache: &Path) -> Vec<(String, String)> {
    let root = modcache.join("cache/download");
    let mut v: Vec<(String, String)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&root).unwrap().display().to_string())
        .filter(|n| !n.ends_with(".lock"))
        .map(|n| {
            let body = if n.ends_with(".zip") {
                zip_names(&root.join(&n)).join("\n")
            } else {
                std::fs::read_to_string(root.join(&n)).unwrap()
            };
            (n, body)
        })
        .collect();
    v.sort();
    v
}

/// The entry names of a zip.
fn zip_names(f: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(f).unwrap()).unwrap();
    let mut v: Vec<String> = z.file_names().map(|n| n.unwrap().into_owned()).collect();
    v.sort();
    v
}

/// The lines of stdout that matter: each trimmed, none empty.
fn lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// `"Key": "value"` pairs of `mod download -json` output that name
/// versions and sums (paths differ between the two caches).
fn json_facts(o: &Output) -> Vec<String> {
    lines(o)
        .into_iter()
        .map(|l| l.trim_end_matches(',').to_string())
        .filter(|l| {
            [
                "\"Path\"",
                "\"Version\"",
                "\"Query\"",
                "\"Sum\"",
                "\"GoModSum\"",
                "\"Error\"",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        })
        .collect()
}

#[test]
fn direct_git_module_versions_queries_and_downloads_match_go() {
    let host = GitHost::start();
    let (main, dev) = make_repos(&host.www());
    let d = tempfile::tempdir().unwrap();
    let work = d.path().join("w");
    std::fs::create_dir_all(&work).unwrap();
    let (gbc, goc) = (d.path().join("gb/modcache"), d.path().join("go/modcache"));
    let queries: Vec<Vec<String>> = vec![
        vec!["list", "-m", "-versions", "example.test/mod"],
        vec!["list", "-m", "example.test/mod@dev"],
        vec!["list", "-m", "example.test/mod@main"],
        vec!["list", "-m", "example.test/mod@latest"],
        vec!["list", "-m", "example.test/mod@v1.0.0"],
        vec!["list", "-m", &format!("example.test/mod@{}", &main[..9])],
        vec!["list", "-m", "example.test/repo/plain.git@latest"],
        vec!["list", "-m", "-versions", "example.test/mod/sub"],
        // A /v2 module path in its major subdirectory.
        vec!["list", "-m", "-versions", "example.test/mod/v2"],
        vec![
            "list",
            "-m",
            "example.test/mod/v2@dev",
            "example.test/mod/v2@latest",
        ],
        vec!["mod", "download", "-json", "example.test/mod/v2@v2.0.0"],
        // +incompatible: v2 tags of a module without go.mod.
        vec!["list", "-m", "-versions", "example.test/repo/old.git"],
        vec![
            "list",
            "-m",
            "example.test/repo/old.git@latest",
            "example.test/repo/old.git@main",
        ],
        vec![
            "mod",
            "download",
            "-json",
            "example.test/repo/old.git@v2.0.0+incompatible",
            "example.test/repo/old.git@main",
        ],
        // A pre-release tag's pseudo-version form, in a subdirectory.
        vec!["list", "-m", "example.test/mod/sub@main"],
        vec![
            "mod",
            "download",
            "-json",
            "example.test/mod/sub@v0.1.0-pre",
            "example.test/mod/sub@main",
        ],
        vec![
            "mod",
            "download",
            "-json",
            "example.test/mod@v1.1.0",
            "example.test/mod@dev",
            "example.test/repo/plain.git@main",
        ],
    ]
    .into_iter()
    .map(|q| q.into_iter().map(String::from).collect())
    .collect();
    for q in &queries {
        let args: Vec<&str> = q.iter().map(String::as_str).collect();
        let go = go_at(&host, &work, &goc, &args);
        let gb = gb_at(&host, &work, &gbc, &args);
        assert!(go.status.success(), "go {args:?}: {go:?}");
        assert!(gb.status.success(), "gccgo-build {args:?}: {gb:?}");
        let (want, have) = if q[0] == "mod" {
            (json_facts(&go), json_facts(&gb))
        } else {
            (lines(&go), lines(&gb))
        };
        assert_eq!(have, want, "{args:?}");
    }
    // An unknown revision: go's words, exit status 1.
    let args = ["list", "-m", "example.test/mod@nosuch"];
    let (go, gb) = (
        go_at(&host, &work, &goc, &args),
        gb_at(&host, &work, &gbc, &args),
    );
    assert_eq!(gb.status.code(), go.status.code());
    let (_, go_err) = text(&go);
    let (_, gb_err) = text(&gb);
    assert!(
        go_err.contains("invalid version: unknown revision nosuch"),
        "{go_err}"
    );
    assert!(
        gb_err.contains("invalid version: unknown revision nosuch"),
        "{gb_err}"
    );
    // The pseudo-versions in go's forms: above the release tag v1.1.0 and
    // from no tag at all; dev's commit hash abbreviated to 12 digits.
    let dev_line = lines(&gb_at(
        &host,
        &work,
        &gbc,
        &["list", "-m", "example.test/mod@dev"],
    ));
    assert_eq!(
        dev_line,
        [format!(
            "example.test/mod v1.1.1-0.20210405060708-{}",
            &dev[..12]
        )]
    );
    // Same cache: .info (with go 1.19's Origin), .mod, list, ziphash, the zip's names.
    assert_eq!(cache_files(&gbc), cache_files(&goc));
    // The git mirror is where go keeps it (sha256 of "git3:URL").
    let vcs: Vec<String> = std::fs::read_dir(gbc.join("cache/vcs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".info"))
        .collect();
    let mut go_vcs: Vec<String> = std::fs::read_dir(goc.join("cache/vcs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".info"))
        .collect();
    let mut vcs = vcs;
    vcs.sort();
    go_vcs.sort();
    assert_eq!(vcs, go_vcs);
    // Extracted: vendored package, nested module and symlink left out.
    let dir = gbc.join("example.test/mod@v1.1.0");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["LICENSE", "go.mod", "mod.go", "vendor"]);
}

#[test]
fn program_requiring_direct_git_modules_builds_with_go_sum_equal_to_go() {
    let host = GitHost::start();
    make_repos(&host.www());
    let d = tempfile::tempdir().unwrap();
    let (gbc, goc) = (d.path().join("gb/modcache"), d.path().join("go/modcache"));
    let plain = "v0.0.0-20210203040506-";
    let plain_v = {
        let o = go_at(
            &host,
            d.path(),
            &goc,
            &["list", "-m", "example.test/repo/plain.git@main"],
        );
        let l = lines(&o);
        assert!(l.len() == 1 && l[0].contains(plain), "{o:?}");
        l[0].split_whitespace().nth(1).unwrap().to_string()
    };
    let files = |dir: &Path| {
        write_tree(
            dir,
            &[
                (
                    "go.mod",
                    &format!(
                        "module example.test/app\n\ngo 1.16\n\nrequire (\n\texample.test/mod v1.1.0\n\texample.test/repo/plain.git {plain_v}\n)\n"
                    ),
                ),
                (
                    "main.go",
                    "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.test/mod\"\n\t\"example.test/repo/plain.git\"\n)\n\nfunc main() { fmt.Println(mod.Hello(), plain.Word) }\n",
                ),
            ],
        )
    };
    let (gbp, gop) = (d.path().join("gbapp"), d.path().join("goapp"));
    files(&gbp);
    files(&gop);
    ok(go_at(
        &host,
        &gop,
        &goc,
        &["build", "-mod=mod", "-o", "app", "."],
    ));
    ok(gb_at(
        &host,
        &gbp,
        &gbc,
        &["build", "-mod=mod", "-o", "app", "."],
    ));
    let want = run(&mut Command::new(gop.join("app")));
    let have = run(&mut Command::new(gbp.join("app")));
    assert_eq!(String::from_utf8_lossy(&have.stdout), "v1.1.0 plain\n");
    assert_eq!(have.stdout, want.stdout);
    assert_eq!(
        std::fs::read_to_string(gbp.join("go.sum")).unwrap(),
        std::fs::read_to_string(gop.join("go.sum")).unwrap()
    );
    // A cache gccgo-build filled from git serves go offline, and the reverse.
    std::fs::remove_file(gop.join("app")).unwrap();
    std::fs::remove_file(gbp.join("app")).unwrap();
    let mut c = go_cmd(&gop);
    c.args(["build", "-o", "app", "."]);
    ok(run(host.env(&mut c, &gbc).env("GOPROXY", "off")));
    // (gccgo-build reading go's cache offline: the build list and every
    // package's directory, without a second gccgo build.)
    let mut c = bin();
    c.current_dir(&gbp)
        .args(["list", "-deps", "-f", "{{.ImportPath}} {{.Module}}", "."])
        .env("PATH", path_without_go());
    let (out, _) = ok(run(host.env(&mut c, &goc).env("GOPROXY", "off")));
    assert!(
        out.contains(
            "example.test/repo/plain.git example.test/repo/plain.git v0.0.0-20210203040506-"
        ) && out.contains("example.test/mod example.test/mod v1.1.0"),
        "{out}"
    );
}

#[test]
fn a_mercurial_import_path_under_direct_names_hg_and_the_fix() {
    let host = GitHost::start();
    make_repos(&host.www());
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("modcache");
    for m in ["example.test/hgmod@latest", "example.test/repo/x.hg@latest"] {
        let (_, err) = fails(gb_at(&host, d.path(), &cache, &["list", "-m", m]));
        assert!(err.contains("hg repository (not git)"), "{err}");
        assert!(err.contains("GOPROXY"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!cache.join("cache/download/example.test/hgmod").exists());
    // GOVCS turns git off for a path: go's words from both.
    let args = ["list", "-m", "example.test/mod@latest"];
    let mut go = go_cmd(d.path());
    let mut gb = bin();
    gb.current_dir(d.path()).env("PATH", path_without_go());
    for c in [&mut go, &mut gb] {
        let (_, err) = fails(run(host
            .env(c.args(args), &cache)
            .env("GOVCS", "example.test:off")));
        assert!(
            err.contains(
                "GOVCS disallows using git for public example.test/mod; see 'go help vcs'"
            ),
            "{err}"
        );
    }
}

#[test]
fn a_moved_tag_is_refused_against_go_sum_with_gos_security_error() {
    let host = GitHost::start();
    make_repos(&host.www());
    let d = tempfile::tempdir().unwrap();
    let app = d.path().join("app");
    write_tree(
        &app,
        &[(
            "go.mod",
            "module example.test/app\n\ngo 1.16\n\nrequire example.test/mod v1.1.0\n",
        )],
    );
    let first = d.path().join("first");
    let (out, _) = ok(gb_at(
        &host,
        &app,
        &first,
        &["mod", "download", "-json", "example.test/mod@v1.1.0"],
    ));
    let sum = |field: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("\"{field}\": \"")))
            .unwrap()
            .trim_end_matches([',', '"'])
            .to_string()
    };
    std::fs::write(
        app.join("go.sum"),
        format!(
            "example.test/mod v1.1.0 {}\nexample.test/mod v1.1.0/go.mod {}\n",
            sum("Sum"),
            sum("GoModSum")
        ),
    )
    .unwrap();
    // The server's v1.1.0 now names another commit (a force-moved tag).
    let bare = host.www().join("repo/mod.git");
    git(&bare, DATES[0], &["tag", "-f", "v1.1.0", "main"]);
    git(&bare, DATES[0], &["update-server-info"]);
    for (who, o) in [
        (
            "go",
            go_at(
                &host,
                &app,
                &d.path().join("go"),
                &["mod", "download", "example.test/mod"],
            ),
        ),
        (
            "gccgo-build",
            gb_at(
                &host,
                &app,
                &d.path().join("gb"),
                &["mod", "download", "example.test/mod"],
            ),
        ),
    ] {
        let (_, err) = fails(o);
        assert!(
            err.contains("example.test/mod@v1.1.0: checksum mismatch")
                && err.contains("SECURITY ERROR"),
            "{who}: {err}"
        );
    }
    assert!(!d.path().join("gb/example.test/mod@v1.1.0").exists());
}

#[test]
fn private_modules_are_fetched_direct_past_a_dead_proxy_and_the_checksum_database() {
    let host = GitHost::start();
    make_repos(&host.www());
    let d = tempfile::tempdir().unwrap();
    let dead = format!("http://127.0.0.1:{}", free_port());
    let args = ["mod", "download", "-json", "example.test/mod@dev"];
    let mut facts = Vec::new();
    for who in ["go", "gb"] {
        let cache = d.path().join(who).join("modcache");
        let mut c = if who == "go" { go_cmd(d.path()) } else { bin() };
        c.current_dir(d.path())
            .args(args)
            .env("PATH", path_without_go_but_git(who));
        host.env(&mut c, &cache)
            .env("GOPROXY", &dead)
            .env("GOPRIVATE", "example.test")
            .env_remove("GOSUMDB");
        let o = run(&mut c);
        assert!(o.status.success(), "{who}: {o:?}");
        facts.push(json_facts(&o));
    }
    assert_eq!(facts[0], facts[1]);
}

/// The PATH for `who`: go's own for go, the suite's go-less one for gccgo-build.
fn path_without_go_but_git(who: &str) -> String {
    if who == "go" {
        std::env::var("PATH").unwrap_or_default()
    } else {
        path_without_go()
    }
}

#[test]
fn a_meta_tag_naming_a_local_path_or_a_command_transport_is_refused() {
    let host = GitHost::start();
    make_repos(&host.www());
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("modcache");
    for (m, url) in [
        ("example.test/evil@latest", "ext::sh"),
        ("example.test/local@latest", "/srv/repo.git"),
    ] {
        let (_, err) = fails(gb_at(&host, d.path(), &cache, &["list", "-m", m]));
        assert!(
            err.contains(&format!("repository URL \"{url}\"")) && err.contains("refusing it"),
            "{err}"
        );
    }
    assert!(!cache.join("cache/vcs").exists());
}

#[test]
fn two_processes_fetching_the_same_git_modules_at_once_both_succeed() {
    let host = GitHost::start();
    make_repos(&host.www());
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("modcache");
    let args = [
        "mod",
        "download",
        "-json",
        "example.test/mod@dev",
        "example.test/mod@v1.0.0",
        "example.test/repo/old.git@main",
    ];
    let spawn = || {
        let mut c = bin();
        c.current_dir(d.path())
            .args(args)
            .env("PATH", path_without_go())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        host.env(&mut c, &cache).spawn().unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success(), "{a:?}\n{b:?}");
    assert_eq!(json_facts(&a), json_facts(&b));
    // The cache they shared is what go makes of the same downloads.
    let goc = d.path().join("go/modcache");
    ok(go_at(&host, d.path(), &goc, &args));
    assert_eq!(cache_files(&cache), cache_files(&goc));
}
