//! Object storage for the fleet, through the `object_store` crate, chosen by URL.
//!
//! - `file:///srv/dossier` (or `file://relative/dir`): a directory. Every URI must resolve
//!   inside it: `..` segments, absolute paths elsewhere and symbolic links leading out are
//!   refused before any byte is read.
//! - `s3://bucket[/prefix]`: AWS S3 or a compatible store (MinIO), configured by the usual
//!   `AWS_*` environment variables (`AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP` for MinIO). Every
//!   `s3://` URI must name that bucket and a key under that prefix: a message naming another
//!   bucket or prefix is refused before any request is made.
//!
//! Uploads are addressed by URI (`file://…`, `s3://bucket/key`, as in the broker messages);
//! the workers' own objects (extractions) by key under the store's root. Errors say whether a
//! retry can help ([`StorageError::is_transient`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("invalid storage URL `{0}`: {1}")]
    InvalidUrl(String, String),
    #[error("`{0}` is outside the storage root")]
    OutsideRoot(String),
    #[error("`{0}` does not exist")]
    NotFound(String),
    #[error("`{uri}` is larger than {limit} bytes")]
    TooLarge { uri: String, limit: u64 },
    #[error("storage error on `{uri}`: {message}")]
    Backend { uri: String, message: String },
}

impl StorageError {
    /// Whether trying again later may succeed (a network or service hiccup), as opposed to a
    /// request that will always fail.
    pub fn is_transient(&self) -> bool {
        matches!(self, StorageError::Backend { .. })
    }
}

#[derive(Debug, Clone)]
enum Location {
    File { root: PathBuf },
    S3 { bucket: String, prefix: String },
}

/// A configured store.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    location: Location,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("location", &self.location)
            .finish()
    }
}

fn backend(uri: &str, err: object_store::Error) -> StorageError {
    match err {
        object_store::Error::NotFound { .. } => StorageError::NotFound(uri.to_string()),
        other => StorageError::Backend {
            uri: uri.to_string(),
            message: other.to_string(),
        },
    }
}

impl Storage {
    /// Opens the store named by `url`.
    pub fn from_url(url: &str) -> Result<Storage, StorageError> {
        let invalid = |why: &str| StorageError::InvalidUrl(url.to_string(), why.to_string());
        if let Some(rest) = url.strip_prefix("file://") {
            let root = PathBuf::from(if rest.is_empty() { "." } else { rest });
            std::fs::create_dir_all(&root).map_err(|e| invalid(&e.to_string()))?;
            let root = root.canonicalize().map_err(|e| invalid(&e.to_string()))?;
            let store = object_store::local::LocalFileSystem::new_with_prefix(&root)
                .map_err(|e| invalid(&e.to_string()))?;
            return Ok(Storage {
                store: Arc::new(store),
                location: Location::File { root },
            });
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(invalid("no bucket"));
            }
            let store = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .map_err(|e| invalid(&e.to_string()))?;
            let location = Location::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
            };
            return Ok(Storage {
                store: Arc::new(store),
                location,
            });
        }
        Err(invalid("expected file:// or s3://"))
    }

    fn full_key(&self, key: &str) -> String {
        match &self.location {
            Location::S3 { prefix, .. } if !prefix.is_empty() => format!("{prefix}/{key}"),
            _ => key.to_string(),
        }
    }

    /// The URI of a key, as it travels in messages.
    pub fn uri_for(&self, key: &str) -> String {
        match &self.location {
            Location::File { root } => format!("file://{}/{}", root.display(), key),
            Location::S3 { bucket, .. } => format!("s3://{bucket}/{}", self.full_key(key)),
        }
    }

    /// The object path a URI names, refused when it leaves the store.
    fn path_of(&self, uri: &str) -> Result<ObjectPath, StorageError> {
        let outside = || StorageError::OutsideRoot(uri.to_string());
        let relative = match &self.location {
            Location::File { root } => {
                let path = uri.strip_prefix("file://").ok_or_else(outside)?;
                let path = Path::new(path);
                let relative = path.strip_prefix(root).map_err(|_| outside())?;
                // Symbolic links may not lead out of the root.
                let mut current = root.clone();
                for component in relative.components() {
                    match component {
                        std::path::Component::Normal(part) => current.push(part),
                        _ => return Err(outside()),
                    }
                    if std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink())
                    {
                        return Err(outside());
                    }
                }
                relative.to_string_lossy().into_owned()
            }
            Location::S3 { bucket, prefix } => {
                let rest = uri.strip_prefix("s3://").ok_or_else(outside)?;
                let (b, key) = rest.split_once('/').ok_or_else(outside)?;
                if b != bucket {
                    return Err(outside());
                }
                // Confined to the configured prefix as a whole segment (`uploads/` does not
                // admit `uploads-other/`), with no segment that could climb out of it.
                let under_prefix = prefix.is_empty()
                    || key
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('/'));
                let climbs = key
                    .split('/')
                    .any(|segment| segment.is_empty() || segment == "." || segment == "..");
                if !under_prefix || climbs {
                    return Err(outside());
                }
                key.to_string()
            }
        };
        ObjectPath::parse(&relative).map_err(|_| outside())
    }

    /// Reads the object a URI names, up to `max_bytes`.
    pub async fn get(&self, uri: &str, max_bytes: u64) -> Result<Bytes, StorageError> {
        let path = self.path_of(uri)?;
        let meta = self.store.head(&path).await.map_err(|e| backend(uri, e))?;
        if meta.size > max_bytes {
            return Err(StorageError::TooLarge {
                uri: uri.to_string(),
                limit: max_bytes,
            });
        }
        let result = self.store.get(&path).await.map_err(|e| backend(uri, e))?;
        result.bytes().await.map_err(|e| backend(uri, e))
    }

    /// Whether the store answers: writes and reads back a small object under `health/`
    /// (a read alone would take a missing directory or bucket for an absent key). Replicas
    /// probing under the same name may overwrite each other's object: any content read back
    /// will do.
    pub async fn probe(&self, name: &str) -> Result<(), StorageError> {
        let key = format!("health/{name}");
        self.put_key(&key, Bytes::from_static(b"ok")).await?;
        match self.get_key(&key).await? {
            Some(_) => Ok(()),
            _ => Err(StorageError::Backend {
                uri: self.uri_for(&key),
                message: "the probe object did not read back".into(),
            }),
        }
    }

    /// Reads a key of the store's own objects; `None` when absent.
    pub async fn get_key(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        let full = self.full_key(key);
        let path = ObjectPath::parse(&full).map_err(|_| StorageError::OutsideRoot(full.clone()))?;
        match self.store.get(&path).await {
            Ok(result) => result
                .bytes()
                .await
                .map(Some)
                .map_err(|e| backend(&full, e)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(backend(&full, e)),
        }
    }

    /// Writes a key (atomically for files: object_store writes to a temporary and renames).
    pub async fn put_key(&self, key: &str, bytes: Bytes) -> Result<String, StorageError> {
        let full = self.full_key(key);
        let path = ObjectPath::parse(&full).map_err(|_| StorageError::OutsideRoot(full.clone()))?;
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(|e| backend(&full, e))?;
        Ok(self.uri_for(key))
    }
}

#[cfg(test)]
mod tests;
