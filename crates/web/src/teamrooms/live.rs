//! The live events stream (`GET /api/v1/events`, server-sent events): what is new in the rooms
//! the caller may read, national announcements, and messages in their own conversations. Ids
//! only; a page fetches what it shows. Without JavaScript, pages show the same on reload.

use std::collections::HashSet;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use hearth_domain::access::Permission;
use hearth_store::live::LiveEvent;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::error::ApiError;
use crate::session::Ctx;
use crate::AppState;

/// Whether the caller should hear of an event: a post in a room they may read, any
/// announcement, a message in a conversation they are in.
fn for_them(event: &LiveEvent, me: Uuid, rooms: &HashSet<Uuid>) -> bool {
    match event {
        LiveEvent::RoomPost { room_id, .. } => rooms.contains(room_id),
        LiveEvent::Announcement { .. } => true,
        LiveEvent::ChatMessage { members, .. } => members.contains(&me),
    }
}

#[utoipa::path(get, path = "/api/v1/events", responses((status = 200, description = "A text/event-stream of live events: `room_post` (room_id, thread_id, post_id), `announcement` (post_id), `chat_message` (conversation_id), and `refresh` when events were missed", content_type = "text/event-stream"), (status = 401, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn events(State(state): State<AppState>, me: Ctx) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // The rooms are read once, when the stream opens: standing changes with a move of team,
    // after which the next page load opens a new stream.
    let rooms: HashSet<Uuid> = hearth_store::teamrooms::rooms(&state.store).await?.into_iter().filter(|r| me.may_in_room(Permission::ViewRoom, r)).map(|r| r.id).collect();
    let (receiver, closing, who) = (state.store.live(), state.store.live_closing(), me.id());
    let stream = futures_util::stream::unfold((receiver, closing, rooms), move |(mut receiver, mut closing, rooms)| async move {
        loop {
            let next = tokio::select! {
                next = receiver.recv() => next,
                // The server is stopping: end the stream so it does not hold the shutdown up.
                _ = closing.wait_for(|c| *c) => return None,
            };
            match next {
                Ok(event) if for_them(&event, who, &rooms) => {
                    let (name, data) = match &event {
                        LiveEvent::RoomPost { room_id, thread_id, post_id } => ("room_post", serde_json::json!({ "room_id": room_id, "thread_id": thread_id, "post_id": post_id })),
                        LiveEvent::Announcement { post_id } => ("announcement", serde_json::json!({ "post_id": post_id })),
                        // The members stay on the server.
                        LiveEvent::ChatMessage { conversation_id, .. } => ("chat_message", serde_json::json!({ "conversation_id": conversation_id })),
                    };
                    return Some((Ok(Event::default().event(name).data(data.to_string())), (receiver, closing, rooms)));
                }
                Ok(_) => {}
                // Too slow to keep up: the page should fetch afresh rather than trust its events.
                Err(RecvError::Lagged(_)) => return Some((Ok(Event::default().event("refresh").data("{}")), (receiver, closing, rooms))),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(25))))
}
