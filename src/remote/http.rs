//! The HTTP(S) client of a remote cache: `GET`, `HEAD` and `PUT` of
//! `<url>/<area>/<key>`, as bazel-remote serves them (and nginx with
//! `dav_methods PUT; create_full_put_path on;`). 404 means "not there";
//! 401/403 refused credentials; any other non-2xx answer is an error.

use super::{Area, Backend, Config, Credentials, Error, ErrorKind};

/// A blocking HTTP client with the configured timeouts; redirects are not
/// followed (a cache that redirects is misconfigured, and a redirect would
/// carry the credentials elsewhere).
pub struct Http {
    agent: ureq::Agent,
    base: String,
    auth: Option<String>,
}

impl Http {
    /// A client for `cfg` sending `credentials` with every request.
    pub fn new(cfg: &Config, credentials: Option<Credentials>) -> Http {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(cfg.connect_timeout))
            .timeout_global(Some(cfg.request_timeout))
            .user_agent(concat!("gccgo-build/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http {
            agent,
            base: cfg.url().to_string(),
            auth: credentials.map(|c| c.header()),
        }
    }

    fn url(&self, area: Area, key: &str) -> String {
        format!("{}/{}/{key}", self.base, area.name())
    }
}

/// A transport error in words (ureq's, which never include the request's headers).
fn transport(e: ureq::Error) -> Error {
    match e {
        ureq::Error::BodyExceedsLimit(n) => {
            Error::new(ErrorKind::TooLarge, format!("a blob longer than {n} bytes"))
        }
        ureq::Error::Timeout(_) => Error::new(ErrorKind::Unreachable, format!("timed out ({e})")),
        e => Error::new(ErrorKind::Unreachable, e.to_string()),
    }
}

/// The error for a status that is neither success nor 404.
fn status_error(method: &str, area: Area, status: ureq::http::StatusCode) -> Error {
    let text = format!(
        "HTTP {} {} for {method} /{}/…",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        area.name()
    );
    let kind = match status.as_u16() {
        401 | 403 => ErrorKind::Refused,
        _ => ErrorKind::Rejected,
    };
    Error::new(kind, text)
}

impl Backend for Http {
    fn get(&mut self, area: Area, key: &str, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        let mut req = self.agent.get(self.url(area, key));
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        let mut resp = req.call().map_err(transport)?;
        match resp.status().as_u16() {
            200 => resp
                .body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map(Some)
                .map_err(transport),
            404 => Ok(None),
            _ => Err(status_error("GET", area, resp.status())),
        }
    }

    fn contains(&mut self, area: Area, key: &str) -> Result<bool, Error> {
        let mut req = self.agent.head(self.url(area, key));
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        let resp = req.call().map_err(transport)?;
        match resp.status().as_u16() {
            200 => Ok(true),
            404 => Ok(false),
            _ => Err(status_error("HEAD", area, resp.status())),
        }
    }

    fn put(&mut self, area: Area, key: &str, data: &[u8]) -> Result<(), Error> {
        let mut req = self.agent.put(self.url(area, key));
        if let Some(a) = &self.auth {
            req = req.header("Authorization", a);
        }
        let resp = req.send(data).map_err(transport)?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(status_error("PUT", area, resp.status()))
        }
    }
}
