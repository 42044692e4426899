//! REAPI: a blocking client of the Bazel Remote Execution API v2 (the
//! `build.bazel.remote.execution.v2` services Execution, ActionCache and
//! ContentAddressableStorage, plus `google.bytestream` for blobs over the
//! batch limit), as Buildbarn, BuildBuddy, NativeLink and BuildGrid serve it.
//!
//! tonic is async; this module is the only place an async runtime lives:
//! one thread per `Client` drives a tokio current-thread runtime, and every
//! call blocks the calling thread (an exec worker) until its future
//! finishes there. It moves messages and bytes and classifies failures
//! (`ErrorKind`); it knows nothing of Go, plans or caches — `exec::remote`
//! turns an action into a `Spec` and decides what a failure means.
//!
//! Credentials come from files named in the environment, never from the
//! command line, and are never printed: `GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE`
//! (a bearer token), `GCCGO_BUILD_REMOTE_EXEC_CA` (PEM roots for
//! `grpcs://`, else the web PKI), `GCCGO_BUILD_REMOTE_EXEC_CERT` and
//! `GCCGO_BUILD_REMOTE_EXEC_KEY` (mTLS).

pub mod tree;

use std::fmt;
use std::future::Future;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use bazel_remote_apis::build::bazel::remote::execution::v2 as re;
use bazel_remote_apis::google::bytestream;
use bazel_remote_apis::google::longrunning;
use prost::Message as _;
use sha2::{Digest as _, Sha256};
use tonic::transport::{Channel, Endpoint};

pub use tree::Source;

/// The result of an action (REAPI `ActionResult`: output files by path and
/// digest, exit code, stdout and stderr).
pub use bazel_remote_apis::build::bazel::remote::execution::v2::ActionResult;
/// One output file of an `ActionResult` (path, digest, inline contents).
pub use bazel_remote_apis::build::bazel::remote::execution::v2::OutputFile;

/// Blobs up to this size travel in `BatchReadBlobs`/`BatchUpdateBlobs`
/// (and requests are filled up to it); larger ones over ByteStream in
/// chunks of this size. 1 MiB stays well under gRPC's 4 MiB default
/// message limit that most servers keep.
pub const BATCH_LIMIT: usize = 1 << 20;

/// A content digest (REAPI `Digest`: lowercase hex sha256 and size in bytes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest {
    /// sha256, 64 lowercase hex digits.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
}

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest {
            hash: hex(&Sha256::digest(bytes)),
            size: bytes.len() as u64,
        }
    }

    /// As the protocol message.
    pub fn to_proto(&self) -> re::Digest {
        re::Digest {
            hash: self.hash.clone(),
            size_bytes: self.size as i64,
        }
    }

    /// From the protocol message; `None` when absent.
    pub fn from_proto(d: Option<&re::Digest>) -> Option<Digest> {
        d.map(|d| Digest {
            hash: d.hash.clone(),
            size: d.size_bytes.max(0) as u64,
        })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.hash, self.size)
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// One blob that may need uploading: its digest and where its bytes are.
#[derive(Debug, Clone)]
pub struct Blob {
    /// The digest.
    pub digest: Digest,
    /// The bytes.
    pub src: Source,
}

impl Blob {
    /// A blob from bytes in memory (an encoded message).
    pub fn bytes(b: Vec<u8>) -> Blob {
        Blob {
            digest: Digest::of(&b),
            src: Source::Bytes(b),
        }
    }

    fn read(&self) -> std::io::Result<Vec<u8>> {
        match &self.src {
            Source::Bytes(b) => Ok(b.clone()),
            Source::File(p, _) => std::fs::read(p),
        }
    }
}

/// What went wrong talking to the server, by what the caller does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No connection (refused, reset, DNS), or the server went away.
    Unreachable,
    /// The server refused our credentials (UNAUTHENTICATED, PERMISSION_DENIED).
    Credentials,
    /// The deadline passed (the action's timeout, or a request's).
    Timeout,
    /// A blob's bytes do not match its digest.
    Mismatch,
    /// Anything else the server answered with (INVALID_ARGUMENT, …).
    Rejected,
}

/// A failed exchange with the server: its kind and a one-line reason.
#[derive(Debug, Clone)]
pub struct Error {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What happened, for a warning line.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

fn err(kind: ErrorKind, message: impl Into<String>) -> Error {
    Error {
        kind,
        message: message.into(),
    }
}

fn status_error(what: &str, s: &tonic::Status) -> Error {
    use tonic::Code;
    let kind = match s.code() {
        // RESOURCE_EXHAUSTED: an overloaded server; the rest runs here.
        Code::Unavailable
        | Code::Unknown
        | Code::Aborted
        | Code::Cancelled
        | Code::ResourceExhausted => ErrorKind::Unreachable,
        Code::Unauthenticated | Code::PermissionDenied => ErrorKind::Credentials,
        Code::DeadlineExceeded => ErrorKind::Timeout,
        _ => ErrorKind::Rejected,
    };
    let msg = s.message().lines().next().unwrap_or("").trim();
    let msg = if msg.is_empty() {
        format!("{:?}", s.code())
    } else {
        format!("{:?}: {msg}", s.code())
    };
    err(kind, format!("{what}: {msg}"))
}

/// Where the server is: `grpc://HOST:PORT[/INSTANCE]` or `grpcs://…` (TLS).
#[derive(Clone)]
pub struct Config {
    url: String,
    endpoint: String,
    tls: bool,
    /// The REAPI instance name (the URL's path; may be empty).
    pub instance: String,
    /// Per-request deadline for CAS and ActionCache requests.
    pub request_timeout: Duration,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config").field("url", &self.url).finish()
    }
}

impl Config {
    /// Parses `grpc://HOST:PORT[/INSTANCE]` (or `grpcs://`); `flag` names
    /// the option in errors (`-remote-exec`, `-remote-cache`).
    ///
    /// Errors: another scheme, no host or port, or credentials in the URL.
    pub fn parse(url: &str, flag: &str) -> Result<Config> {
        let url = url.trim().trim_end_matches('/').to_string();
        let (tls, rest) = match url.split_once("://") {
            Some(("grpc", rest)) => (false, rest),
            Some(("grpcs", rest)) => (true, rest),
            _ => bail!(
                "{flag} {url}: not a Remote Execution API address; use \
                 grpc://HOST:PORT[/INSTANCE] or grpcs://HOST:PORT[/INSTANCE]"
            ),
        };
        let (authority, instance) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.contains('@') {
            bail!(
                "{flag}: the address holds credentials, which would show in the process list; \
                 put a bearer token in a file named by GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE instead"
            );
        }
        if authority.is_empty() || !authority.contains(':') {
            bail!("{flag} {url}: give the server as HOST:PORT (e.g. grpc://build-farm:8980/main)");
        }
        let scheme = if tls { "https" } else { "http" };
        Ok(Config {
            endpoint: format!("{scheme}://{authority}"),
            url: url.clone(),
            tls,
            instance: instance.to_string(),
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
        })
    }

    /// The address as given, for messages (it never holds credentials).
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// What to run: a Command and an input root, already digested.
#[derive(Debug, Clone)]
pub struct Spec {
    /// argv; `arguments[0]` as the worker finds it.
    pub arguments: Vec<String>,
    /// The whole environment, by name.
    pub env: Vec<(String, String)>,
    /// Output files, relative to the input root.
    pub outputs: Vec<String>,
    /// Platform properties (sorted by name when sent).
    pub platform: Vec<(String, String)>,
    /// The input root's digest and the blobs under it.
    pub root: (Digest, Vec<Blob>),
    /// The action's timeout on the worker.
    pub timeout: Option<Duration>,
}

/// What came back: the action's result and whether it was cached.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The ActionResult.
    pub result: re::ActionResult,
    /// From the ActionCache (looked up first, or the server's own).
    pub cached: bool,
}

/// A connection to one REAPI server, with its runtime thread.
pub struct Client {
    cfg: Config,
    handle: tokio::runtime::Handle,
    channel: Channel,
    token: Option<String>,
    /// Whether TLS shows a client certificate (`GCCGO_BUILD_REMOTE_EXEC_CERT`/`_KEY`).
    client_cert: bool,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.cfg.url)
            .finish()
    }
}

impl Client {
    /// Starts the runtime thread and prepares a lazy connection (nothing is
    /// sent yet: a server that is down shows as the first call's `Error`).
    ///
    /// Errors: unreadable credential files, a bad TLS setting, or a thread
    /// that could not start.
    pub fn new(cfg: Config) -> Result<Client> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the remote-execution runtime")?;
        let handle = rt.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("reapi".into())
            .spawn(move || {
                rt.block_on(async {
                    let _ = stopped.await;
                })
            })
            .context("starting the remote-execution thread")?;
        let token = match std::env::var_os("GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE") {
            Some(p) => Some(
                std::fs::read_to_string(&p)
                    .with_context(|| {
                        format!(
                            "reading GCCGO_BUILD_REMOTE_EXEC_TOKEN_FILE ({})",
                            p.to_string_lossy()
                        )
                    })?
                    .trim()
                    .to_string(),
            ),
            None => None,
        };
        let mut ep = Endpoint::from_shared(cfg.endpoint.clone())
            .with_context(|| format!("{}: not a valid address", cfg.url))?
            .connect_timeout(cfg.connect_timeout)
            .http2_keep_alive_interval(Duration::from_secs(20))
            .keep_alive_timeout(Duration::from_secs(10));
        let mut client_cert = false;
        if cfg.tls {
            let (tls, identity) = tls_config()?;
            ep = ep.tls_config(tls).context("setting up TLS")?;
            client_cert = identity;
        }
        let channel = {
            let _guard = handle.enter();
            ep.connect_lazy()
        };
        Ok(Client {
            cfg,
            handle,
            channel,
            token,
            client_cert,
            _stop: stop,
        })
    }

    /// The server's address, for messages.
    pub fn url(&self) -> &str {
        &self.cfg.url
    }

    /// What to do about a failed TLS exchange with a `grpcs://` server,
    /// as a clause for the warning line, or `None`: a server certificate
    /// no trusted CA signed (rustls' `UnknownIssuer`), or a connection the
    /// server dropped while we showed no client certificate (a server
    /// that asks for one closes the handshake, which gRPC reports, by
    /// timing, as CANCELLED, UNAVAILABLE or UNKNOWN `transport error`:
    /// any `ErrorKind::Unreachable`).
    pub fn tls_hint(&self, e: &Error) -> Option<&'static str> {
        if !self.cfg.tls {
            return None;
        }
        let m = e.message.as_str();
        if m.contains("UnknownIssuer") || m.contains("invalid peer certificate") {
            return Some(
                "the server's certificate is signed by no CA gccgo-build trusts: name its CA's PEM \
                 file in GCCGO_BUILD_REMOTE_EXEC_CA (unset, the web PKI's roots are used)",
            );
        }
        if !self.client_cert && e.kind == ErrorKind::Unreachable {
            return Some(
                "if the server asks for a client certificate (mTLS), name its PEM files in \
                 GCCGO_BUILD_REMOTE_EXEC_CERT and GCCGO_BUILD_REMOTE_EXEC_KEY",
            );
        }
        None
    }

    /// Runs `f` on the runtime thread and waits for it.
    fn block<F, T>(&self, f: F) -> Result<T, Error>
    where
        F: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        self.handle.spawn(async move {
            let _ = tx.send(f.await);
        });
        rx.recv()
            .unwrap_or_else(|_| Err(err(ErrorKind::Unreachable, "the client's runtime stopped")))
    }

    fn request<T>(&self, msg: T, timeout: Option<Duration>) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        if let Some(t) = timeout {
            r.set_timeout(t);
        }
        if let Some(tok) = &self.token
            && let Ok(v) = format!("Bearer {tok}").parse()
        {
            r.metadata_mut().insert("authorization", v);
        }
        r
    }

    /// The ActionCache's result for `action`, if it has one.
    pub fn get_action_result(&self, action: &Digest) -> Result<Option<re::ActionResult>, Error> {
        let req = self.request(
            re::GetActionResultRequest {
                instance_name: self.cfg.instance.clone(),
                action_digest: Some(action.to_proto()),
                inline_stdout: true,
                inline_stderr: true,
                ..Default::default()
            },
            Some(self.cfg.request_timeout),
        );
        let mut c = re::action_cache_client::ActionCacheClient::new(self.channel.clone());
        self.block(async move {
            match c.get_action_result(req).await {
                Ok(r) => Ok(Some(r.into_inner())),
                Err(s) if s.code() == tonic::Code::NotFound => Ok(None),
                Err(s) => Err(status_error("looking up the action cache", &s)),
            }
        })
    }

    /// Stores `result` for `action` in the ActionCache.
    pub fn update_action_result(
        &self,
        action: &Digest,
        result: re::ActionResult,
    ) -> Result<(), Error> {
        let req = self.request(
            re::UpdateActionResultRequest {
                instance_name: self.cfg.instance.clone(),
                action_digest: Some(action.to_proto()),
                action_result: Some(result),
                ..Default::default()
            },
            Some(self.cfg.request_timeout),
        );
        let mut c = re::action_cache_client::ActionCacheClient::new(self.channel.clone());
        self.block(async move {
            c.update_action_result(req)
                .await
                .map(|_| ())
                .map_err(|s| status_error("storing in the action cache", &s))
        })
    }

    /// Uploads those of `blobs` the CAS lacks (FindMissingBlobs first).
    ///
    /// Errors: the server's, or a local file that cannot be read.
    pub fn upload_missing(&self, blobs: &[Blob]) -> Result<usize, Error> {
        let mut missing = Vec::new();
        for chunk in blobs.chunks(4096) {
            let req = self.request(
                re::FindMissingBlobsRequest {
                    instance_name: self.cfg.instance.clone(),
                    blob_digests: chunk.iter().map(|b| b.digest.to_proto()).collect(),
                    ..Default::default()
                },
                Some(self.cfg.request_timeout),
            );
            let mut c =
                re::content_addressable_storage_client::ContentAddressableStorageClient::new(
                    self.channel.clone(),
                );
            let found = self.block(async move {
                c.find_missing_blobs(req)
                    .await
                    .map(|r| r.into_inner().missing_blob_digests)
                    .map_err(|s| status_error("asking the CAS what it lacks", &s))
            })?;
            missing.extend(found.iter().map(|d| d.hash.clone()));
        }
        let todo: Vec<&Blob> = blobs
            .iter()
            .filter(|b| missing.contains(&b.digest.hash))
            .collect();
        let mut batch: Vec<(Digest, Vec<u8>)> = Vec::new();
        let mut size = 0;
        for b in &todo {
            let data = b
                .read()
                .map_err(|e| err(ErrorKind::Rejected, format!("reading an input: {e}")))?;
            if data.len() > BATCH_LIMIT / 2 {
                self.write_stream(&b.digest, data)?;
                continue;
            }
            if size + data.len() > BATCH_LIMIT {
                self.write_batch(std::mem::take(&mut batch))?;
                size = 0;
            }
            size += data.len();
            batch.push((b.digest.clone(), data));
        }
        if !batch.is_empty() {
            self.write_batch(batch)?;
        }
        Ok(todo.len())
    }

    fn write_batch(&self, blobs: Vec<(Digest, Vec<u8>)>) -> Result<(), Error> {
        let req = self.request(
            re::BatchUpdateBlobsRequest {
                instance_name: self.cfg.instance.clone(),
                requests: blobs
                    .into_iter()
                    .map(|(d, data)| re::batch_update_blobs_request::Request {
                        digest: Some(d.to_proto()),
                        data,
                        compressor: 0,
                    })
                    .collect(),
                ..Default::default()
            },
            Some(self.cfg.request_timeout),
        );
        let mut c = re::content_addressable_storage_client::ContentAddressableStorageClient::new(
            self.channel.clone(),
        );
        self.block(async move {
            let r = c
                .batch_update_blobs(req)
                .await
                .map_err(|s| status_error("uploading to the CAS", &s))?;
            for resp in r.into_inner().responses {
                if let Some(st) = resp.status
                    && st.code != 0
                {
                    return Err(err(
                        ErrorKind::Rejected,
                        format!("uploading to the CAS: {}", st.message),
                    ));
                }
            }
            Ok(())
        })
    }

    fn write_stream(&self, d: &Digest, data: Vec<u8>) -> Result<(), Error> {
        let name = format!(
            "{}uploads/{}/blobs/{}/{}",
            prefix(&self.cfg.instance),
            uuid_like(&d.hash),
            d.hash,
            d.size
        );
        let total = data.len();
        let mut reqs = Vec::new();
        let mut off = 0;
        loop {
            let end = (off + BATCH_LIMIT).min(total);
            reqs.push(bytestream::WriteRequest {
                resource_name: if off == 0 {
                    name.clone()
                } else {
                    String::new()
                },
                write_offset: off as i64,
                finish_write: end == total,
                data: data[off..end].to_vec(),
            });
            off = end;
            if off >= total {
                break;
            }
        }
        let req = self.request(tokio_stream::iter(reqs), Some(self.cfg.request_timeout));
        let mut c = bytestream::byte_stream_client::ByteStreamClient::new(self.channel.clone());
        self.block(async move {
            c.write(req)
                .await
                .map(|_| ())
                .map_err(|s| status_error("uploading to the CAS (ByteStream)", &s))
        })
    }

    /// Reads the blob `d` (BatchReadBlobs up to `BATCH_LIMIT`, else
    /// ByteStream) and checks its size and sha256.
    ///
    /// Errors: the server's; `Mismatch` when the bytes are not the digest's.
    pub fn read_blob(&self, d: &Digest) -> Result<Vec<u8>, Error> {
        if d.size == 0 {
            return Ok(Vec::new());
        }
        let data = if d.size as usize <= BATCH_LIMIT {
            let req = self.request(
                re::BatchReadBlobsRequest {
                    instance_name: self.cfg.instance.clone(),
                    digests: vec![d.to_proto()],
                    ..Default::default()
                },
                Some(self.cfg.request_timeout),
            );
            let mut c =
                re::content_addressable_storage_client::ContentAddressableStorageClient::new(
                    self.channel.clone(),
                );
            self.block(async move {
                let r = c
                    .batch_read_blobs(req)
                    .await
                    .map_err(|s| status_error("reading from the CAS", &s))?;
                let Some(resp) = r.into_inner().responses.into_iter().next() else {
                    return Err(err(ErrorKind::Rejected, "reading from the CAS: no answer"));
                };
                if let Some(st) = &resp.status
                    && st.code != 0
                {
                    return Err(err(
                        ErrorKind::Rejected,
                        format!("reading from the CAS: {}", st.message),
                    ));
                }
                Ok(resp.data)
            })?
        } else {
            let req = self.request(
                bytestream::ReadRequest {
                    resource_name: format!(
                        "{}blobs/{}/{}",
                        prefix(&self.cfg.instance),
                        d.hash,
                        d.size
                    ),
                    read_offset: 0,
                    read_limit: 0,
                },
                Some(self.cfg.request_timeout),
            );
            let mut c = bytestream::byte_stream_client::ByteStreamClient::new(self.channel.clone());
            self.block(async move {
                let mut s = c
                    .read(req)
                    .await
                    .map_err(|s| status_error("reading from the CAS (ByteStream)", &s))?
                    .into_inner();
                let mut data = Vec::new();
                while let Some(chunk) = s
                    .message()
                    .await
                    .map_err(|s| status_error("reading from the CAS (ByteStream)", &s))?
                {
                    data.extend_from_slice(&chunk.data);
                }
                Ok(data)
            })?
        };
        let got = Digest::of(&data);
        if got != *d {
            return Err(err(
                ErrorKind::Mismatch,
                format!("the CAS returned bytes for {d} that hash to {got}"),
            ));
        }
        Ok(data)
    }

    /// The Action for `spec`: the Command and Action blobs and the
    /// Action's digest (the ActionCache key).
    pub fn action(&self, spec: &Spec) -> (Digest, Vec<Blob>) {
        let mut platform: Vec<re::platform::Property> = spec
            .platform
            .iter()
            .map(|(n, v)| re::platform::Property {
                name: n.clone(),
                value: v.clone(),
            })
            .collect();
        platform.sort_by(|a, b| (&a.name, &a.value).cmp(&(&b.name, &b.value)));
        let platform = Some(re::Platform {
            properties: platform,
        });
        let mut env: Vec<re::command::EnvironmentVariable> = spec
            .env
            .iter()
            .map(|(n, v)| re::command::EnvironmentVariable {
                name: n.clone(),
                value: v.clone(),
            })
            .collect();
        env.sort_by(|a, b| a.name.cmp(&b.name));
        let mut outputs = spec.outputs.clone();
        outputs.sort();
        // `Command.platform` is deprecated since REAPI 2.2 in favour of
        // `Action.platform`; older servers still read it, so both carry it.
        #[allow(deprecated)]
        let command = re::Command {
            arguments: spec.arguments.clone(),
            environment_variables: env,
            output_paths: outputs,
            platform: platform.clone(),
            ..Default::default()
        };
        let command = Blob::bytes(command.encode_to_vec());
        let action = re::Action {
            command_digest: Some(command.digest.to_proto()),
            input_root_digest: Some(spec.root.0.to_proto()),
            timeout: spec
                .timeout
                .map(|t| bazel_remote_apis::google::protobuf::Duration {
                    seconds: t.as_secs() as i64,
                    nanos: t.subsec_nanos() as i32,
                }),
            do_not_cache: false,
            salt: Vec::new(),
            platform,
        };
        let action = Blob::bytes(action.encode_to_vec());
        (action.digest.clone(), vec![command, action])
    }

    /// Execute + WaitExecution until the operation is done or `deadline`
    /// passes (then it is cancelled, best effort). `on_name` is given the
    /// operation's name as soon as the server names it (so that an
    /// interrupt can cancel it).
    ///
    /// Errors: the server's; `Timeout` after `deadline`.
    pub fn execute(
        &self,
        action: &Digest,
        deadline: Duration,
        on_name: impl Fn(&str) + Send + 'static,
    ) -> Result<Outcome, Error> {
        let req = self.request(
            re::ExecuteRequest {
                instance_name: self.cfg.instance.clone(),
                action_digest: Some(action.to_proto()),
                skip_cache_lookup: false,
                ..Default::default()
            },
            None,
        );
        let channel = self.channel.clone();
        let token = self.token.clone();
        let (tx, rx) = mpsc::channel::<String>();
        let run = async move {
            let mut c = re::execution_client::ExecutionClient::new(channel);
            let mut stream = c
                .execute(req)
                .await
                .map_err(|s| status_error("starting the remote action", &s))?
                .into_inner();
            loop {
                match stream.message().await {
                    Ok(Some(op)) => {
                        if !op.name.is_empty() {
                            let _ = tx.send(op.name.clone());
                            on_name(&op.name);
                        }
                        if op.done {
                            return finish(op);
                        }
                    }
                    Ok(None) | Err(_) => {
                        // The stream ended early (a proxy's idle limit, a
                        // server restart): ask again by name.
                        let Some(name) = rx.try_iter().last() else {
                            return Err(err(
                                ErrorKind::Unreachable,
                                "the server closed the remote action's stream before naming it",
                            ));
                        };
                        let mut r =
                            tonic::Request::new(re::WaitExecutionRequest { name: name.clone() });
                        if let Some(tok) = &token
                            && let Ok(v) = format!("Bearer {tok}").parse()
                        {
                            r.metadata_mut().insert("authorization", v);
                        }
                        stream = c
                            .wait_execution(r)
                            .await
                            .map_err(|s| status_error("waiting for the remote action", &s))?
                            .into_inner();
                        let _ = tx.send(name);
                    }
                }
            }
        };
        self.block(async move {
            match tokio::time::timeout(deadline, run).await {
                Ok(r) => r,
                Err(_) => Err(err(
                    ErrorKind::Timeout,
                    format!(
                        "the remote action did not finish within {}s",
                        deadline.as_secs()
                    ),
                )),
            }
        })
    }

    /// Asks the server to cancel the operation `name` (best effort).
    pub fn cancel(&self, name: &str) {
        let req = self.request(
            longrunning::CancelOperationRequest {
                name: name.to_string(),
            },
            Some(Duration::from_secs(2)),
        );
        let mut c = longrunning::operations_client::OperationsClient::new(self.channel.clone());
        let _ = self.block(async move {
            let _ = c.cancel_operation(req).await;
            Ok(())
        });
    }
}

fn finish(op: longrunning::Operation) -> Result<Outcome, Error> {
    match op.result {
        Some(longrunning::operation::Result::Response(any)) => {
            let r = re::ExecuteResponse::decode(any.value.as_slice()).map_err(|e| {
                err(
                    ErrorKind::Rejected,
                    format!("decoding the remote result: {e}"),
                )
            })?;
            if let Some(st) = &r.status
                && st.code != 0
            {
                let kind = match st.code {
                    4 => ErrorKind::Timeout,
                    16 | 7 => ErrorKind::Credentials,
                    _ => ErrorKind::Unreachable,
                };
                return Err(err(
                    kind,
                    format!("the remote action failed: {}", st.message),
                ));
            }
            let Some(result) = r.result else {
                return Err(err(
                    ErrorKind::Rejected,
                    "the remote action returned no result",
                ));
            };
            Ok(Outcome {
                result,
                cached: r.cached_result,
            })
        }
        Some(longrunning::operation::Result::Error(st)) => {
            let kind = match st.code {
                4 => ErrorKind::Timeout,
                16 | 7 => ErrorKind::Credentials,
                3 | 9 => ErrorKind::Rejected,
                _ => ErrorKind::Unreachable,
            };
            Err(err(
                kind,
                format!("the remote action failed: {}", st.message),
            ))
        }
        None => Err(err(
            ErrorKind::Rejected,
            "the remote action ended without a result",
        )),
    }
}

/// `INSTANCE/` or empty, as ByteStream resource names begin.
fn prefix(instance: &str) -> String {
    if instance.is_empty() {
        String::new()
    } else {
        format!("{instance}/")
    }
}

/// A name unique enough for one upload: ByteStream's `uploads/{uuid}`.
fn uuid_like(hash: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:08x}-{}-{t:x}",
        std::process::id(),
        &hash[..8.min(hash.len())]
    )
}

/// The TLS settings the environment names, and whether they show a
/// client certificate.
fn tls_config() -> Result<(tonic::transport::ClientTlsConfig, bool)> {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let read = |var: &str| -> Result<Option<Vec<u8>>> {
        match std::env::var_os(var) {
            Some(p) => std::fs::read(&p)
                .with_context(|| format!("reading {var} ({})", p.to_string_lossy()))
                .map(Some),
            None => Ok(None),
        }
    };
    let mut tls = ClientTlsConfig::new();
    tls = match read("GCCGO_BUILD_REMOTE_EXEC_CA")? {
        Some(ca) => tls.ca_certificate(Certificate::from_pem(ca)),
        None => tls.with_webpki_roots(),
    };
    let identity = match (
        read("GCCGO_BUILD_REMOTE_EXEC_CERT")?,
        read("GCCGO_BUILD_REMOTE_EXEC_KEY")?,
    ) {
        (Some(cert), Some(key)) => {
            tls = tls.identity(Identity::from_pem(cert, key));
            true
        }
        _ => false,
    };
    Ok((tls, identity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_instance_and_rejects_other_schemes() {
        let c = Config::parse("grpc://127.0.0.1:8980/main", "-remote-exec").unwrap();
        assert_eq!(c.instance, "main");
        assert_eq!(c.endpoint, "http://127.0.0.1:8980");
        assert!(Config::parse("http://x:1", "-remote-exec").is_err());
        assert!(Config::parse("grpc://u:p@x:1", "-remote-exec").is_err());
        assert!(Config::parse("grpc://x", "-remote-exec").is_err());
    }

    #[test]
    fn digest_of_empty_is_the_known_sha256() {
        assert_eq!(
            Digest::of(b"").hash,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
