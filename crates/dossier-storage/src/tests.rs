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
