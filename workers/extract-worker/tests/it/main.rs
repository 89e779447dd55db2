//! The extract worker's command line: every setting is a flag with a `DOSSIER_*` fallback.
//! Its behaviour on a real broker is tested with the whole fleet in `verdict-worker`.

#[test]
fn every_setting_has_an_environment_fallback() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_extract-worker"))
        .arg("--help")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let help = String::from_utf8_lossy(&output.stdout);
    for variable in [
        "DOSSIER_AMQP_URL",
        "DOSSIER_STORAGE_URL",
        "DOSSIER_HTTP_ADDR",
        "DOSSIER_PREFETCH",
        "DOSSIER_CONCURRENCY",
        "DOSSIER_SHUTDOWN_GRACE_SECS",
    ] {
        assert!(
            help.contains(variable),
            "{variable} missing from --help:\n{help}"
        );
    }
}

#[test]
fn an_unreachable_broker_is_retried_not_fatal() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_extract-worker"))
        .args([
            "--amqp-url",
            "amqp://guest:guest@127.0.0.1:1/%2f",
            "--http-addr",
            "127.0.0.1:0",
            "--log-format",
            "text",
        ])
        .arg("--storage-url")
        .arg(format!("file://{}", data.path().display()))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().ok().flatten().is_none(),
        "the worker exited instead of retrying"
    );
    child.kill().ok();
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("broker unreachable"));
}
