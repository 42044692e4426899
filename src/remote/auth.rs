//! Credentials for a remote cache: `GCCGO_BUILD_REMOTE_CACHE_TOKEN` (a
//! bearer token, or `user:password` for basic auth), else the host's
//! `machine` entry of a netrc file (`$NETRC`, else `~/.netrc`: `machine
//! HOST login USER password PASS`, as curl and git read it). Never from
//! the command line; `Debug` prints no secret.

use std::fmt;
use std::path::PathBuf;

/// What to send to the server.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer TOKEN`; Redis `AUTH TOKEN`.
    Bearer(String),
    /// `Authorization: Basic base64(user:password)`; Redis `AUTH user password`
    /// (`AUTH password` when the user is empty).
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

impl Credentials {
    /// `bearer token` or `basic auth`: what kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::Bearer(_) => "bearer token",
            Credentials::Basic { .. } => "basic auth",
        }
    }

    /// The credentials for `host`: the environment's, else the netrc
    /// file's entry for the host (or its `default` entry); `None` when
    /// neither has any.
    pub fn find(host: &str) -> Option<Credentials> {
        if let Some(t) = std::env::var("GCCGO_BUILD_REMOTE_CACHE_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            return Some(from_token(t.trim()));
        }
        let path = std::env::var_os("NETRC")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".netrc")))?;
        let text = std::fs::read_to_string(path).ok()?;
        netrc_entry(&text, host)
    }

    /// The value of an HTTP `Authorization` header.
    pub fn header(&self) -> String {
        match self {
            Credentials::Bearer(t) => format!("Bearer {t}"),
            Credentials::Basic { user, password } => {
                format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
            }
        }
    }
}

/// A token variable's value: `user:password` is basic auth, anything
/// else a bearer token.
fn from_token(t: &str) -> Credentials {
    match t.split_once(':') {
        Some((user, password)) => Credentials::Basic {
            user: user.into(),
            password: password.into(),
        },
        None => Credentials::Bearer(t.into()),
    }
}

/// The `machine HOST` entry of a netrc text (else its `default`), as
/// basic-auth credentials. Tokens are separated by white space; a
/// `macdef` ends at an empty line.
fn netrc_entry(text: &str, host: &str) -> Option<Credentials> {
    let mut found: Option<(bool, Option<String>, Option<String>)> = None;
    let mut best: Option<Credentials> = None;
    let mut default: Option<Credentials> = None;
    let finish = |f: &mut Option<(bool, Option<String>, Option<String>)>,
                  best: &mut Option<Credentials>,
                  default: &mut Option<Credentials>| {
        if let Some((is_default, user, pass)) = f.take()
            && let Some(password) = pass
        {
            let c = Credentials::Basic {
                user: user.unwrap_or_default(),
                password,
            };
            if is_default {
                default.get_or_insert(c);
            } else {
                best.get_or_insert(c);
            }
        }
    };
    let mut in_macro = false;
    for line in text.lines() {
        if in_macro {
            in_macro = !line.trim().is_empty();
            continue;
        }
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            match w {
                "machine" => {
                    finish(&mut found, &mut best, &mut default);
                    let m = words.next().unwrap_or("");
                    found = (m == host).then_some((false, None, None));
                }
                "default" => {
                    finish(&mut found, &mut best, &mut default);
                    found = Some((true, None, None));
                }
                "login" => {
                    let v = words.next().map(String::from);
                    if let Some(f) = &mut found {
                        f.1 = v;
                    }
                }
                "password" => {
                    let v = words.next().map(String::from);
                    if let Some(f) = &mut found {
                        f.2 = v;
                    }
                }
                "macdef" => {
                    in_macro = true;
                    break;
                }
                _ => {}
            }
        }
    }
    finish(&mut found, &mut best, &mut default);
    best.or(default)
}

/// Standard base64 with padding (RFC 4648), for the basic-auth header.
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            Credentials::Basic {
                user: "Aladdin".into(),
                password: "open sesame".into()
            }
            .header(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn netrc_picks_the_host_then_default() {
        let text = "machine other login a password b\n\
                    macdef init\ncd /\n\n\
                    machine cache.lan\n  login builder\n  password s3cret\n\
                    default login anon password x\n";
        assert_eq!(
            netrc_entry(text, "cache.lan"),
            Some(Credentials::Basic {
                user: "builder".into(),
                password: "s3cret".into()
            })
        );
        assert_eq!(
            netrc_entry(text, "elsewhere"),
            Some(Credentials::Basic {
                user: "anon".into(),
                password: "x".into()
            })
        );
        assert_eq!(netrc_entry("machine a login b", "a"), None);
    }

    #[test]
    fn tokens_and_debug() {
        assert_eq!(from_token("abc"), Credentials::Bearer("abc".into()));
        let b = from_token("u:p:q");
        assert_eq!(format!("{b:?}"), "basic auth");
        assert_eq!(b.header(), format!("Basic {}", base64(b"u:p:q")));
    }
}
