//! Confinement of `file://` stores and round trips.

use super::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn file_store_round_trips_and_refuses_escapes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let storage = Storage::from_url(&format!("file://{}", dir.path().display()))
        .unwrap_or_else(|e| panic!("{e}"));
    runtime().block_on(async {
        let uri = storage
            .put_key("uploads/D1/devis.pdf", Bytes::from_static(b"%PDF-1.7"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            storage.get(&uri, 1 << 20).await.ok(),
            Some(Bytes::from_static(b"%PDF-1.7"))
        );
        assert!(matches!(
            storage.get(&uri, 3).await,
            Err(StorageError::TooLarge { .. })
        ));
        assert_eq!(storage.get_key("absent").await.ok(), Some(None));
        let root = dir.path().canonicalize().unwrap_or_default();
        for escape in [
            format!("file://{}/../etc/passwd", root.display()),
            "file:///etc/passwd".to_string(),
            "s3://other/key".to_string(),
        ] {
            assert!(
                matches!(
                    storage.get(&escape, 1 << 20).await,
                    Err(StorageError::OutsideRoot(_))
                ),
                "{escape}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", root.join("link")).ok();
            let through_link = format!("file://{}/link/passwd", root.display());
            assert!(matches!(
                storage.get(&through_link, 1 << 20).await,
                Err(StorageError::OutsideRoot(_))
            ));
        }
        assert!(matches!(
            storage
                .get(&format!("file://{}/missing.pdf", root.display()), 10)
                .await,
            Err(StorageError::NotFound(_))
        ));
    });
}

#[test]
fn unknown_schemes_are_refused() {
    assert!(matches!(
        Storage::from_url("ftp://host/x"),
        Err(StorageError::InvalidUrl(..))
    ));
    assert!(matches!(
        Storage::from_url("s3://"),
        Err(StorageError::InvalidUrl(..))
    ));
}

/// `s3://` URIs are confined to the configured bucket and prefix (a worker once read
/// `s3://other-bucket/…` and published its fields). See: issue 14, point 8.
#[test]
fn s3_uris_are_confined_to_the_bucket_and_prefix() {
    let storage = Storage::from_url("s3://uploads/dossiers").unwrap_or_else(|e| panic!("{e}"));
    for refused in [
        "s3://other-bucket/dossiers/D1/devis.pdf",
        "s3://uploads/elsewhere/devis.pdf",
        "s3://uploads/dossiers-other/devis.pdf",
        "s3://uploads/dossiers/../elsewhere/devis.pdf",
        "s3://uploads/dossiers//devis.pdf",
        "s3://uploads/dossiers",
        "file:///etc/passwd",
    ] {
        assert!(
            matches!(storage.path_of(refused), Err(StorageError::OutsideRoot(_))),
            "{refused} was accepted"
        );
    }
    assert!(
        storage
            .path_of("s3://uploads/dossiers/D1/devis.pdf")
            .is_ok()
    );
    let whole_bucket = Storage::from_url("s3://uploads").unwrap_or_else(|e| panic!("{e}"));
    assert!(whole_bucket.path_of("s3://uploads/any/key.pdf").is_ok());
    assert!(whole_bucket.path_of("s3://other/any/key.pdf").is_err());
}

/// The readiness probe fails when the store cannot be written (the root replaced by a
/// file stands for a store that went away).
#[test]
fn the_probe_tells_a_store_that_answers_from_one_that_does_not() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path().join("store");
    let storage =
        Storage::from_url(&format!("file://{}", root.display())).unwrap_or_else(|e| panic!("{e}"));
    runtime().block_on(async {
        assert!(storage.probe("worker-1").await.is_ok());
        std::fs::remove_dir_all(&root).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&root, b"not a directory").unwrap_or_else(|e| panic!("{e}"));
        let failed = storage.probe("worker-1").await;
        assert!(failed.is_err(), "{failed:?}");
        assert!(failed.is_err_and(|e| e.is_transient()));
    });
}
