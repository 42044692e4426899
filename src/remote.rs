//! Remote: the transport of the shared cache a build farm runs, in the
//! layout build farms already use (bazel-remote's, which ccache's
//! `layout=bazel` and sccache's WebDAV backend also speak, so one server
//! serves C and Go):
//!
//! ```text
//! <url>/ac/<sha256>    an action's result manifest (JSON: each output's role, size and sha256)
//! <url>/cas/<sha256>   the bytes of one output, named by their own sha256
//! ```
//!
//! over HTTP(S) (`GET`, `HEAD`, `PUT`: bazel-remote, or nginx with WebDAV)
//! or Redis (`redis://host:port[/db]`, the same names as keys). This module
//! moves bytes and classifies failures; it does not know what a manifest
//! means or verify anything — `cache` verifies every byte it receives
//! before it uses it. Credentials come from the environment
//! (`GCCGO_BUILD_REMOTE_CACHE_TOKEN`) or a netrc file, never from the URL,
//! and no message names them.

mod auth;
mod grpc;
mod http;
mod kv;

use std::fmt;
use std::time::Duration;

use anyhow::{Result, bail};

pub use auth::Credentials;

/// The connect timeout when `GCCGO_BUILD_REMOTE_CACHE_CONNECT_TIMEOUT`
/// does not say otherwise: a cache on the local network answers in
/// milliseconds, and a build must not wait long for one that is down.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The timeout of one request (sending and receiving a whole blob) when
/// `GCCGO_BUILD_REMOTE_CACHE_TIMEOUT` does not say otherwise: a 20 MB
/// executable at 10 Mbit/s takes 16 s.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The two namespaces of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `ac/`: action results (manifests), keyed by the action's cache key.
    Ac,
    /// `cas/`: content, keyed by its sha256.
    Cas,
}

impl Area {
    /// `ac` or `cas`: the path segment, and the Redis key prefix.
    pub fn name(self) -> &'static str {
        match self {
            Area::Ac => "ac",
            Area::Cas => "cas",
        }
    }
}

/// Which protocol a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Redis,
    /// The Remote Execution API's ActionCache and CAS (`grpc://`, `grpcs://`).
    Grpc,
}

/// How to reach a remote cache, checked: the `--remote-cache` URL (or
/// `GCCGO_BUILD_REMOTE_CACHE`), `--remote-cache-readonly`, the timeouts,
/// and the credentials found for its host.
#[derive(Clone)]
pub struct Config {
    /// The URL as given, without a trailing `/` (it holds no credentials).
    url: String,
    scheme: Scheme,
    /// The host, as a netrc `machine` names it.
    host: String,
    /// Only read: never `PUT` or `SET` (CI pulls; only trusted builders push).
    pub readonly: bool,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long one request may take in all.
    pub request_timeout: Duration,
    credentials: Option<Credentials>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("url", &self.url)
            .field("readonly", &self.readonly)
            .field("credentials", &self.credentials.as_ref().map(|c| c.kind()))
            .finish()
    }
}

impl Config {
    /// Checks `url` (`http://`, `https://` or `redis://host:port[/db]`)
    /// and finds its credentials (`Credentials::find`) and timeouts
    /// (`GCCGO_BUILD_REMOTE_CACHE_TIMEOUT`,
    /// `GCCGO_BUILD_REMOTE_CACHE_CONNECT_TIMEOUT`, seconds).
    ///
    /// Errors: another scheme, no host, credentials written in the URL
    /// (they would show in `ps` and in logs: the message says where they
    /// go instead), or a timeout that is not a number of seconds.
    pub fn parse(url: &str, readonly: bool) -> Result<Config> {
        let url = url.trim().trim_end_matches('/').to_string();
        let (scheme, rest) = match url.split_once("://") {
            Some(("http" | "https", rest)) => (Scheme::Http, rest),
            Some(("redis", rest)) => (Scheme::Redis, rest),
            Some(("grpc" | "grpcs", rest)) => {
                crate::reapi::Config::parse(&url, "--remote-cache")?;
                (Scheme::Grpc, rest)
            }
            _ => bail!(
                "--remote-cache {url}: not a remote cache URL; use http://host[:port][/prefix], \
                 https://…, redis://host:port[/db] or grpc://host:port[/instance] (the Remote \
                 Execution API's ActionCache and CAS)"
            ),
        };
        let authority = rest.split('/').next().unwrap_or("");
        if authority.contains('@') {
            bail!(
                "--remote-cache: the URL holds credentials, which would show in the process \
                 list and in logs; give the URL without them, and put them in \
                 GCCGO_BUILD_REMOTE_CACHE_TOKEN (a token, or user:password) or in ~/.netrc \
                 (machine HOST login USER password PASS)"
            );
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or("").to_string(),
            None => authority.split(':').next().unwrap_or("").to_string(),
        };
        if host.is_empty() {
            bail!("--remote-cache {url}: no host in the URL");
        }
        Ok(Config {
            credentials: Credentials::find(&host),
            url,
            scheme,
            host,
            readonly,
            connect_timeout: env_seconds("GCCGO_BUILD_REMOTE_CACHE_CONNECT_TIMEOUT")?
                .unwrap_or(CONNECT_TIMEOUT),
            request_timeout: env_seconds("GCCGO_BUILD_REMOTE_CACHE_TIMEOUT")?
                .unwrap_or(REQUEST_TIMEOUT),
        })
    }

    /// The URL, for messages (it never holds credentials).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The host, as given in the URL.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// A client for this cache. Nothing is sent yet: a server that is
    /// down shows as the first request's `Error`.
    pub fn connect(&self) -> Box<dyn Backend> {
        match self.scheme {
            Scheme::Http => Box::new(http::Http::new(self, self.credentials.clone())),
            Scheme::Redis => Box::new(kv::Redis::new(self, self.credentials.clone())),
            Scheme::Grpc => match crate::reapi::Config::parse(&self.url, "--remote-cache") {
                Ok(mut c) => {
                    c.connect_timeout = self.connect_timeout;
                    c.request_timeout = self.request_timeout;
                    Box::new(grpc::Grpc::new(&c))
                }
                Err(e) => Box::new(grpc::Grpc::failed(format!("{e:#}"))),
            },
        }
    }
}

/// A number of seconds from the environment variable `name`; `None` when unset.
///
/// Errors: a value that is not a positive number of seconds.
fn env_seconds(name: &str) -> Result<Option<Duration>> {
    let Some(v) = std::env::var_os(name).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let s = v.to_string_lossy();
    match s.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(Some(Duration::from_secs_f64(x))),
        _ => bail!("{name}={s}: not a number of seconds"),
    }
}

/// Why a request did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// No connection, a timeout, or a broken one: the server is down or slow.
    Unreachable,
    /// The server refused the credentials (HTTP 401/403, Redis `NOAUTH`/`WRONGPASS`).
    Refused,
    /// Another answer than the protocol allows (an HTTP 5xx, a 413, a
    /// Redis error reply).
    Rejected,
    /// A blob longer than the caller allows.
    TooLarge,
}

/// A failed request: what kind, and a sentence that says what happened
/// (never with credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The kind.
    pub kind: ErrorKind,
    /// What happened, e.g. `connection refused` or `HTTP 401 Unauthorized`.
    pub detail: String,
}

impl Error {
    fn new(kind: ErrorKind, detail: impl Into<String>) -> Error {
        Error {
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Refused => write!(
                f,
                "the server refused the credentials ({}); check \
                 GCCGO_BUILD_REMOTE_CACHE_TOKEN or the host's entry in ~/.netrc",
                self.detail
            ),
            _ => f.write_str(&self.detail),
        }
    }
}

/// One client of a remote cache (blocking; one per thread).
pub trait Backend: Send {
    /// The blob `area/key`; `None` when the server does not have it.
    ///
    /// Errors: the server cannot be reached or refuses the request, or the
    /// blob is longer than `limit` bytes (`TooLarge`).
    fn get(&mut self, area: Area, key: &str, limit: u64) -> Result<Option<Vec<u8>>, Error>;
    /// Whether the server has `area/key`.
    ///
    /// Errors: as `get`.
    fn contains(&mut self, area: Area, key: &str) -> Result<bool, Error>;
    /// Stores `data` as `area/key`.
    ///
    /// Errors: as `get`, or the server does not accept it (`Rejected`).
    fn put(&mut self, area: Area, key: &str, data: &[u8]) -> Result<(), Error>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        let c = Config::parse("http://127.0.0.1:8080/cache/", false).unwrap();
        assert_eq!(c.url(), "http://127.0.0.1:8080/cache");
        assert_eq!(c.host(), "127.0.0.1");
        let r = Config::parse("redis://cachebox:6379/2", true).unwrap();
        assert_eq!(r.host(), "cachebox");
        assert!(r.readonly);
        let e = Config::parse("http://bob:secret@cache:8080", false).unwrap_err();
        let msg = format!("{e:#}");
        assert!(msg.contains("GCCGO_BUILD_REMOTE_CACHE_TOKEN"), "{msg}");
        assert!(!msg.contains("secret"), "{msg}");
        assert!(Config::parse("ftp://x", false).is_err());
        assert!(Config::parse("http://", false).is_err());
    }
}
