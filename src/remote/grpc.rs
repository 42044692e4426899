//! The remote cache over the Remote Execution API's ActionCache and CAS
//! (`-remote-cache grpc://HOST:PORT[/INSTANCE]`), through `reapi`: a cache
//! entry `ac/<key>` is an ActionResult stored under the digest of
//! `gccgo-build ac <key>` whose one output file `meta.json` is the manifest;
//! `cas/<sha256>` is the CAS blob of that digest (its size comes from the
//! manifest, as `Backend::get`'s limit).

use super::{Area, Backend, Error, ErrorKind};
use crate::reapi::{self, Blob, Digest};

/// A client of one REAPI server, used as a cache.
pub struct Grpc {
    client: Result<reapi::Client, String>,
}

impl Grpc {
    /// A client for `cfg` (nothing is sent yet).
    pub fn new(cfg: &reapi::Config) -> Grpc {
        Grpc {
            client: reapi::Client::new(cfg.clone()).map_err(|e| format!("{e:#}")),
        }
    }

    /// A client that fails every request with `why`.
    pub fn failed(why: String) -> Grpc {
        Grpc { client: Err(why) }
    }

    fn client(&self) -> Result<&reapi::Client, Error> {
        self.client
            .as_ref()
            .map_err(|e| Error::new(ErrorKind::Rejected, e.clone()))
    }
}

fn ac_digest(key: &str) -> Digest {
    Digest::of(format!("gccgo-build ac {key}").as_bytes())
}

fn map(e: reapi::Error) -> Error {
    let kind = match e.kind {
        reapi::ErrorKind::Unreachable | reapi::ErrorKind::Timeout => ErrorKind::Unreachable,
        reapi::ErrorKind::Credentials => ErrorKind::Refused,
        reapi::ErrorKind::Mismatch | reapi::ErrorKind::Rejected => ErrorKind::Rejected,
    };
    Error::new(kind, e.message)
}

impl Backend for Grpc {
    fn get(&mut self, area: Area, key: &str, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        let c = self.client()?;
        let d = match area {
            Area::Cas => Digest {
                hash: key.to_string(),
                size: limit,
            },
            Area::Ac => {
                let Some(r) = c.get_action_result(&ac_digest(key)).map_err(map)? else {
                    return Ok(None);
                };
                let Some(d) = r
                    .output_files
                    .iter()
                    .find(|f| f.path == "meta.json")
                    .and_then(|f| Digest::from_proto(f.digest.as_ref()))
                else {
                    return Ok(None);
                };
                if d.size > limit {
                    return Err(Error::new(ErrorKind::TooLarge, format!("{} bytes", d.size)));
                }
                d
            }
        };
        match c.read_blob(&d) {
            Ok(b) => Ok(Some(b)),
            // A blob the CAS lacks, or one of another size: not there.
            Err(e) if e.kind == reapi::ErrorKind::Rejected => Ok(None),
            Err(e) => Err(map(e)),
        }
    }

    fn contains(&mut self, _area: Area, _key: &str) -> Result<bool, Error> {
        // FindMissingBlobs needs the size; `put` asks it itself.
        Ok(false)
    }

    fn put(&mut self, area: Area, key: &str, data: &[u8]) -> Result<(), Error> {
        let c = self.client()?;
        let blob = Blob::bytes(data.to_vec());
        c.upload_missing(std::slice::from_ref(&blob)).map_err(map)?;
        if area == Area::Ac {
            let result = reapi::ActionResult {
                output_files: vec![reapi::OutputFile {
                    path: "meta.json".into(),
                    digest: Some(blob.digest.to_proto()),
                    ..Default::default()
                }],
                ..Default::default()
            };
            c.update_action_result(&ac_digest(key), result)
                .map_err(map)?;
        }
        Ok(())
    }
}
