//! The fleet against a real RabbitMQ (`DOSSIER_AMQP_URL`, default 127.0.0.1:5672; the test
//! command starts a local broker when none runs): dossiers submitted with `dossier submit`
//! come back through `dossier verdicts` with `dossier validate`'s verdict; poison messages
//! are dead-lettered with their reason; workers killed mid-run redeliver with the same
//! `verdict_id`; workers reconnect after a broker restart; urgent dossiers go first;
//! workers stopped by SIGTERM during load publish one verdict per submission; text dossiers
//! are not held behind scans, whose pages only the extract worker reads by OCR; a storage
//! outage loses and dead-letters nothing.
//!
//! The tests share the broker, so they take a lock and purge the fleet's queues first.

mod chaos;
mod fleet;
mod ocr_once;
mod outage;
mod scenarios;
mod shutdown;
