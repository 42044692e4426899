//! The Redis client of a remote cache: `GET`, `EXISTS` and `SET` of the
//! keys `ac/<key>` and `cas/<sha256>` (the HTTP layout's paths), with the
//! `redis` crate's blocking connection. It connects on the first request
//! and again after a broken connection.

use super::{Area, Backend, Config, Credentials, Error, ErrorKind};

/// A lazily connected Redis client.
pub struct Redis {
    url: String,
    credentials: Option<Credentials>,
    connect_timeout: std::time::Duration,
    request_timeout: std::time::Duration,
    con: Option<redis::Connection>,
}

impl Redis {
    /// A client for `cfg` that authenticates with `credentials`.
    pub fn new(cfg: &Config, credentials: Option<Credentials>) -> Redis {
        Redis {
            url: cfg.url().to_string(),
            credentials,
            connect_timeout: cfg.connect_timeout,
            request_timeout: cfg.request_timeout,
            con: None,
        }
    }

    fn connection(&mut self) -> Result<&mut redis::Connection, Error> {
        if self.con.is_none() {
            use redis::IntoConnectionInfo as _;
            let info = self.url.as_str().into_connection_info().map_err(classify)?;
            let mut settings = info.redis_settings().clone();
            match &self.credentials {
                Some(Credentials::Bearer(t)) => settings = settings.set_password(t),
                Some(Credentials::Basic { user, password }) => {
                    if !user.is_empty() {
                        settings = settings.set_username(user);
                    }
                    settings = settings.set_password(password);
                }
                None => {}
            }
            let client =
                redis::Client::open(info.set_redis_settings(settings)).map_err(classify)?;
            let con = client
                .get_connection_with_timeout(self.connect_timeout)
                .map_err(classify)?;
            con.set_read_timeout(Some(self.request_timeout))
                .map_err(classify)?;
            con.set_write_timeout(Some(self.request_timeout))
                .map_err(classify)?;
            self.con = Some(con);
        }
        self.con
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::Unreachable, "no connection"))
    }

    /// Runs `cmd`, dropping the connection when it broke (the next request
    /// connects again).
    fn query<T: redis::FromRedisValue>(&mut self, cmd: &redis::Cmd) -> Result<T, Error> {
        let r = cmd.query(self.connection()?);
        if r.is_err() {
            self.con = None;
        }
        r.map_err(classify)
    }
}

/// A Redis error as a remote-cache error: authentication failures are
/// `Refused`, I/O and timeouts `Unreachable`, the rest `Rejected`. The
/// text is the crate's, which does not repeat the password.
fn classify(e: redis::RedisError) -> Error {
    let text = e.to_string();
    let kind = if e.kind() == redis::ErrorKind::AuthenticationFailed
        || text.contains("NOAUTH")
        || text.contains("WRONGPASS")
        || text.contains("invalid password")
    {
        ErrorKind::Refused
    } else if e.is_io_error() || e.is_timeout() || e.is_connection_dropped() {
        ErrorKind::Unreachable
    } else {
        ErrorKind::Rejected
    };
    Error::new(kind, text)
}

fn key(area: Area, key: &str) -> String {
    format!("{}/{key}", area.name())
}

impl Backend for Redis {
    fn get(&mut self, area: Area, k: &str, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        let v: Option<Vec<u8>> = self.query(redis::cmd("GET").arg(key(area, k)))?;
        match v {
            Some(b) if b.len() as u64 > limit => Err(Error::new(
                ErrorKind::TooLarge,
                format!("a blob longer than {limit} bytes"),
            )),
            v => Ok(v),
        }
    }

    fn contains(&mut self, area: Area, k: &str) -> Result<bool, Error> {
        self.query(redis::cmd("EXISTS").arg(key(area, k)))
    }

    fn put(&mut self, area: Area, k: &str, data: &[u8]) -> Result<(), Error> {
        self.query(redis::cmd("SET").arg(key(area, k)).arg(data))
    }
}
