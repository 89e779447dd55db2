//! RabbitMQ, and only here: the topology of the fleet, publishing with publisher confirms,
//! and consuming with bounded prefetch and manual acknowledgements (lapin on tokio).
//!
//! The rest of the project sees [`Broker`], [`Publisher`], [`Inbox`] and [`Inbound`], never a
//! lapin type. A publish returns only once the broker has confirmed it, so a caller can ack
//! its input after its output is safe ("ack after confirm").

pub mod topology;

use futures_lite::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Connection, ConnectionProperties};

/// Why talking to the broker failed.
#[derive(Debug, thiserror::Error)]
pub enum AmqpError {
    #[error("broker connection failed: {0}")]
    Connect(String),
    #[error("broker operation failed: {0}")]
    Operation(String),
    #[error("the broker refused the message (nack)")]
    Nacked,
}

impl From<lapin::Error> for AmqpError {
    fn from(err: lapin::Error) -> AmqpError {
        AmqpError::Operation(err.to_string())
    }
}

/// A connection to the broker.
pub struct Broker {
    connection: Connection,
}

/// Where a message goes.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The fleet's topic exchange, with a versioned routing key (`dossier.verdict.v1`).
    Event(&'a str),
    /// A queue, through the default exchange.
    Queue(&'a str),
    /// The dead-letter exchange, with the queue the message failed in as routing key.
    DeadLetter(&'a str),
}

/// Message metadata set by the publisher.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub message_id: Option<String>,
    /// String headers (`x-failure-reason`, `x-urgency`, …).
    pub headers: Vec<(String, String)>,
    /// How many times the message was retried.
    pub retries: u32,
}

impl Broker {
    /// Connects; `url` is `amqp://` or `amqps://` (TLS through rustls).
    pub async fn connect(url: &str, name: &str) -> Result<Broker, AmqpError> {
        let properties =
            ConnectionProperties::default().with_connection_name(LongString::from(name));
        let connection = Connection::connect(url, properties)
            .await
            .map_err(|e| AmqpError::Connect(e.to_string()))?;
        Ok(Broker { connection })
    }

    pub fn is_connected(&self) -> bool {
        self.connection.status().connected()
    }

    /// Declares every exchange, queue and binding of [`topology`]; idempotent.
    pub async fn declare_topology(&self) -> Result<(), AmqpError> {
        let channel = self.connection.create_channel().await?;
        topology::declare(&channel).await?;
        close_channel(channel).await;
        Ok(())
    }

    /// A channel in confirm mode for publishing.
    pub async fn publisher(&self) -> Result<Publisher, AmqpError> {
        let channel = self.connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(Publisher { channel })
    }

    /// Starts consuming `queue` with at most `prefetch` unacknowledged messages.
    pub async fn consume(&self, queue: &str, prefetch: u16, tag: &str) -> Result<Inbox, AmqpError> {
        let channel = self.connection.create_channel().await?;
        channel
            .basic_qos(prefetch, BasicQosOptions::default())
            .await?;
        let consumer = channel
            .basic_consume(
                ShortString::from(queue),
                ShortString::from(tag),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        Ok(Inbox {
            consumer,
            channel,
            tag: tag.to_string(),
        })
    }

    /// Messages ready in a queue (passive declaration).
    pub async fn queue_depth(&self, queue: &str) -> Result<u32, AmqpError> {
        let channel = self.connection.create_channel().await?;
        let declared = channel
            .queue_declare(
                ShortString::from(queue),
                QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await?;
        close_channel(channel).await;
        Ok(declared.message_count())
    }

    /// Empties a queue (tests and ops); returns how many messages were dropped.
    pub async fn purge(&self, queue: &str) -> Result<u32, AmqpError> {
        let channel = self.connection.create_channel().await?;
        let count = channel
            .queue_purge(
                ShortString::from(queue),
                lapin::options::QueuePurgeOptions::default(),
            )
            .await?;
        close_channel(channel).await;
        Ok(count)
    }

    /// Deletes a queue and its messages (tests and migrations: a queue whose arguments
    /// changed must be deleted before it can be declared again).
    pub async fn delete_queue(&self, queue: &str) -> Result<u32, AmqpError> {
        let channel = self.connection.create_channel().await?;
        let count = channel
            .queue_delete(
                ShortString::from(queue),
                lapin::options::QueueDeleteOptions::default(),
            )
            .await?;
        close_channel(channel).await;
        Ok(count)
    }

    /// Deletes an exchange (tests and migrations: an exchange whose arguments changed, such
    /// as `dossier` gaining its alternate exchange, must be deleted before it can be declared
    /// again; its bindings go with it and are declared again by [`Broker::declare_topology`]).
    pub async fn delete_exchange(&self, exchange: &str) -> Result<(), AmqpError> {
        let channel = self.connection.create_channel().await?;
        channel
            .exchange_delete(
                ShortString::from(exchange),
                lapin::options::ExchangeDeleteOptions::default(),
            )
            .await?;
        close_channel(channel).await;
        Ok(())
    }

    pub async fn close(&self) {
        self.connection
            .close(200, ShortString::from("bye"))
            .await
            .ok();
    }
}

/// Closes a channel used for one operation, and waits for the broker's answer. Dropped
/// instead, it is closed in the background, and when the connection closes first lapin logs
/// "invalid channel state: Closing" as an ERROR on every normal stop.
async fn close_channel(channel: lapin::Channel) {
    channel.close(200, ShortString::from("done")).await.ok();
}

/// A confirm-mode channel.
pub struct Publisher {
    channel: lapin::Channel,
}

impl Publisher {
    /// Closes the publishing channel once nothing is left to publish; every publish before
    /// it was confirmed (each [`Publisher::publish`] waits for its confirmation).
    pub async fn close(&self) {
        self.channel
            .close(200, ShortString::from("done"))
            .await
            .ok();
    }

    /// Publishes a persistent JSON message and waits for the broker's confirmation.
    pub async fn publish(
        &self,
        target: Target<'_>,
        body: &[u8],
        meta: &Meta,
    ) -> Result<(), AmqpError> {
        let (exchange, routing_key) = match target {
            Target::Event(key) => (topology::EXCHANGE, key),
            Target::Queue(queue) => ("", queue),
            Target::DeadLetter(queue) => (topology::DEAD_LETTER_EXCHANGE, queue),
        };
        let mut headers = FieldTable::default();
        for (name, value) in &meta.headers {
            headers.insert(
                ShortString::from(name.as_str()),
                AMQPValue::LongString(LongString::from(value.as_str())),
            );
        }
        headers.insert(
            ShortString::from(topology::RETRIES_HEADER),
            AMQPValue::LongUInt(meta.retries),
        );
        let mut properties = BasicProperties::default()
            .with_delivery_mode(2)
            .with_content_type(ShortString::from("application/json"))
            .with_headers(headers);
        if let Some(id) = &meta.message_id {
            properties = properties.with_message_id(ShortString::from(id.as_str()));
        }
        let confirm = self
            .channel
            .basic_publish(
                ShortString::from(exchange),
                ShortString::from(routing_key),
                BasicPublishOptions::default(),
                body,
                properties,
            )
            .await?;
        let confirmation = confirm.await?;
        if confirmation.is_ack() {
            Ok(())
        } else {
            Err(AmqpError::Nacked)
        }
    }
}

/// A consumer.
pub struct Inbox {
    consumer: lapin::Consumer,
    channel: lapin::Channel,
    tag: String,
}

impl Inbox {
    /// The next delivery; `None` when the consumer was cancelled or the channel closed.
    pub async fn next(&mut self) -> Option<Result<Inbound, AmqpError>> {
        let delivery = self.consumer.next().await?;
        Some(
            delivery
                .map_err(AmqpError::from)
                .map(Inbound::from_delivery),
        )
    }

    /// Closes the consumer's channel (unacknowledged deliveries go back to the queue).
    pub async fn close(self) {
        self.channel
            .close(200, ShortString::from("done"))
            .await
            .ok();
    }

    /// Stops new deliveries; those already received can still be acknowledged.
    pub async fn cancel(&self) {
        self.channel
            .basic_cancel(
                ShortString::from(self.tag.as_str()),
                BasicCancelOptions::default(),
            )
            .await
            .ok();
    }
}

/// One received message.
pub struct Inbound {
    pub body: Vec<u8>,
    /// The routing key it was published with (for a message dead-lettered by a worker, the
    /// queue it failed in).
    pub routing_key: String,
    pub redelivered: bool,
    pub message_id: Option<String>,
    /// Our own retry count (`x-retries`).
    pub retries: u32,
    /// The broker's count of failed deliveries (quorum queues' `x-delivery-count`).
    pub delivery_count: u32,
    pub headers: Vec<(String, String)>,
    acker: lapin::Acker,
}

fn header_u32(value: &AMQPValue) -> Option<u32> {
    match value {
        AMQPValue::LongUInt(v) => Some(*v),
        AMQPValue::LongInt(v) => u32::try_from(*v).ok(),
        AMQPValue::LongLongInt(v) => u32::try_from(*v).ok(),
        AMQPValue::ShortUInt(v) => Some(u32::from(*v)),
        AMQPValue::ShortInt(v) => u32::try_from(*v).ok(),
        AMQPValue::ShortShortUInt(v) => Some(u32::from(*v)),
        _ => None,
    }
}

impl Inbound {
    fn from_delivery(delivery: lapin::message::Delivery) -> Inbound {
        let mut retries = 0;
        let mut delivery_count = 0;
        let mut headers = Vec::new();
        if let Some(table) = delivery.properties.headers() {
            for (name, value) in table.inner() {
                match name.as_str() {
                    topology::RETRIES_HEADER => retries = header_u32(value).unwrap_or(0),
                    "x-delivery-count" => delivery_count = header_u32(value).unwrap_or(0),
                    other => {
                        if let AMQPValue::LongString(text) = value {
                            headers.push((other.to_string(), text.to_string()));
                        }
                    }
                }
            }
        }
        Inbound {
            routing_key: delivery.routing_key.to_string(),
            body: delivery.data,
            redelivered: delivery.redelivered,
            message_id: delivery
                .properties
                .message_id()
                .as_ref()
                .map(|id| id.to_string()),
            retries,
            delivery_count,
            headers,
            acker: delivery.acker,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Acknowledges the message: it is done with.
    pub async fn ack(&self) -> Result<(), AmqpError> {
        self.acker.ack(BasicAckOptions::default()).await?;
        Ok(())
    }
}
