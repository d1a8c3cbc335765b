//! Live events: a small note that something new is there (a post in a room, a national
//! announcement, a chat message), so pages open on it can fetch it. Sent after the change
//! commits, carrying ids only, never words. Every instance hands events to its own subscribers
//! (the server-sent events stream) through a broadcast channel. On PostgreSQL the event also goes
//! out by `NOTIFY` on one channel, which every instance `LISTEN`s to ([`listen`]) and passes on
//! to its own subscribers, skipping those it sent itself; on SQLite there is one instance.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use crate::{Engine, Store};

/// The PostgreSQL channel every instance listens on.
pub const CHANNEL: &str = "hearth_live";

/// How many events a slow subscriber may fall behind before it is told to refresh.
const BACKLOG: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A thread started or a reply posted in a room.
    RoomPost { room_id: Uuid, thread_id: Uuid, post_id: Uuid },
    /// A national announcement: everyone's home page.
    Announcement { post_id: Uuid },
    /// A message in a conversation, for its members only.
    ChatMessage { conversation_id: Uuid, members: Vec<Uuid> },
}

/// An event as it travels between instances: which instance sent it.
#[derive(Serialize, Deserialize)]
struct Envelope {
    from: Uuid,
    event: LiveEvent,
}

/// This process's side of live events: its subscribers, and its name among instances.
#[derive(Clone, Debug)]
pub struct Hub {
    sender: broadcast::Sender<LiveEvent>,
    instance: Uuid,
    /// Set when the server is stopping: every stream ends, so no open stream holds it up.
    closing: Arc<watch::Sender<bool>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self { sender: broadcast::channel(BACKLOG).0, instance: Uuid::now_v7(), closing: Arc::new(watch::channel(false).0) }
    }
}

impl Store {
    /// Every live event from now on, from this instance and (on PostgreSQL, with [`listen`]
    /// running) every other.
    pub fn live(&self) -> broadcast::Receiver<LiveEvent> {
        self.hub.sender.subscribe()
    }

    /// Becomes true when the server is stopping: streams end on it.
    pub fn live_closing(&self) -> watch::Receiver<bool> {
        self.hub.closing.subscribe()
    }

    /// Ends every open event stream: the server is stopping.
    pub fn close_live(&self) {
        self.hub.closing.send_replace(true);
    }

    /// How many subscribers this instance has: the open event streams.
    pub fn live_subscribers(&self) -> usize {
        self.hub.sender.receiver_count()
    }

    /// Sends an event to this instance's subscribers and, on PostgreSQL, to the other instances.
    /// Called after the change commits. A failed NOTIFY is logged, not returned: the change is
    /// saved, and a page reloaded shows it.
    pub async fn publish(&self, event: LiveEvent) {
        if self.engine == Engine::Postgres {
            let payload = serde_json::to_string(&Envelope { from: self.hub.instance, event: event.clone() }).unwrap_or_default();
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&self.pool).await {
                tracing::warn!(error = %e, "could not send a live event to other instances");
            }
        }
        // No subscribers is not an error.
        let _ = self.hub.sender.send(event);
    }
}

/// Passes other instances' events to this one's subscribers, for as long as the process runs
/// (PostgreSQL only; returns at once on SQLite). A lost connection is made again after a pause.
pub async fn listen(store: Store) {
    if store.engine != Engine::Postgres {
        return;
    }
    loop {
        match listen_once(&store).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, "live events: listening stopped; trying again in 2 s");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        }
    }
}

async fn listen_once(store: &Store) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(&store.url.0).await?;
    listener.listen(CHANNEL).await?;
    loop {
        let n = listener.recv().await?;
        match serde_json::from_str::<Envelope>(n.payload()) {
            Ok(e) if e.from != store.hub.instance => {
                let _ = store.hub.sender.send(e.event);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "live events: a notification that is not one"),
        }
    }
}
