//! Team rooms on both engines: every team, area and the whole service has its room from the
//! start; threads and replies keep their counts and order; mentions alert members; an author
//! changes a post within a day and a stale change is refused; a moderator pins and hides (the
//! author is told); reactions toggle; an announcement stays on a home page until read.

mod common;

use hearth_domain::org::Role;
use hearth_domain::teamrooms::{PostDraft, Reaction, RoomKind};
use hearth_store::teamrooms::{self as rooms, Room};
use hearth_store::{AuditContext, PageRequest, StoreError, new_id, org, testing};
use uuid::Uuid;

fn as_(who: Uuid) -> AuditContext {
    AuditContext::actor(who, None)
}

fn thread(title: &str, body: &str) -> PostDraft {
    PostDraft { title: Some(title.into()), body: body.into(), announcement: false }
}

fn words(body: &str) -> PostDraft {
    PostDraft { title: None, body: body.into(), announcement: false }
}

async fn room_of_team(store: &hearth_store::Store, team: Uuid) -> Room {
    rooms::rooms(store).await.unwrap().into_iter().find(|r| r.team_id == Some(team) && r.kind == RoomKind::Team).unwrap()
}

#[tokio::test]
async fn every_team_area_and_the_service_has_one_room_from_the_start() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let all = rooms::rooms(&store).await.unwrap();
        let areas = org::area_refs(&store).await.unwrap().len();
        assert_eq!(all.iter().filter(|r| r.kind == RoomKind::National).count(), 1);
        assert_eq!(all.iter().filter(|r| r.kind == RoomKind::Area).count(), areas);
        assert_eq!(all.iter().filter(|r| r.kind == RoomKind::Team).count(), 2);
        let alpha = room_of_team(&store, o.team).await;
        assert_eq!((alpha.name.as_str(), alpha.service_area_id), ("Alpha team", Some(o.area)), "a team room is in its team's area");
        // Running the start-up check again makes no second room.
        org::ensure_reference_data(&store).await.unwrap();
        assert_eq!(rooms::rooms(&store).await.unwrap().len(), all.len());
        // A team added later has its room in the same transaction.
        let late = new_id();
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, late, "Gamma team", o.area, None).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(room_of_team(&store, late).await.threads, 0);
    }
}

#[tokio::test]
async fn threads_replies_mentions_edits_pins_hiding_and_reactions() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let sam = common::add(&store, "Sam Okafor", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let kim = common::add(&store, "Kim Lee", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let outsider = common::add(&store, "Oz Outsider", &[Role::Practitioner], Some(o.other_team), None).await;
        let room = room_of_team(&store, o.team).await;

        let first = rooms::start_thread(&store, &as_(sam), &room, sam, &thread("Court parking", "The car park is shut on Friday.")).await.unwrap();
        let second = rooms::start_thread(&store, &as_(kim), &room, kim, &thread("Training day", "Who is going, @sam okafor? And @Oz Outsider?")).await.unwrap();
        let alerts = hearth_store::cases::alerts_for(&store, sam).await.unwrap();
        assert!(alerts.iter().any(|a| a.message == "Kim Lee mentioned you in the Alpha team room." && a.link.as_deref() == Some(&*format!("/room-threads/{second}"))), "{alerts:?}");
        assert!(hearth_store::cases::alerts_for(&store, outsider).await.unwrap().is_empty(), "only the room's members are alerted");

        // A reply moves its thread to the top and counts.
        let reply = rooms::reply(&store, &as_(kim), &room, first, kim, &words("Thanks, I will take the train.")).await.unwrap();
        let listed = rooms::threads(&store, room.id, PageRequest::new(None, None)).await.unwrap();
        assert_eq!(listed.items.iter().map(|t| (t.id, t.replies)).collect::<Vec<_>>(), [(first, 1), (second, 0)]);
        let (opening, replies) = rooms::thread(&store, first, sam).await.unwrap();
        assert_eq!((opening.title.as_deref(), replies.len(), replies[0].id), (Some("Court parking"), 1, reply));
        assert!(matches!(rooms::thread(&store, reply, sam).await, Err(StoreError::NotFound)), "a reply is not a thread");

        // The author changes a post; a stale version is refused; another person cannot.
        rooms::edit_post(&store, &as_(sam), first, sam, &thread("Court parking", "The car park is shut on Friday and Monday."), 1).await.unwrap();
        assert!(matches!(rooms::edit_post(&store, &as_(sam), first, sam, &thread("Court parking", "Stale"), 1).await, Err(StoreError::Conflict { current: 2 })));
        assert!(matches!(rooms::edit_post(&store, &as_(kim), first, kim, &thread("Mine now", "No"), 2).await, Err(StoreError::NotEditable(_))));
        let changed = rooms::post(&store, first).await.unwrap();
        assert!(changed.body.ends_with("and Monday.") && changed.edited_at.is_some());

        // Reactions toggle and are counted per reader.
        assert!(rooms::react(&store, &as_(kim), first, kim, Reaction::Thanks).await.unwrap());
        assert!(rooms::react(&store, &as_(manager), first, manager, Reaction::Thanks).await.unwrap());
        assert!(!rooms::react(&store, &as_(manager), first, manager, Reaction::Thanks).await.unwrap(), "a second press takes it back");
        let (opening, _) = rooms::thread(&store, first, kim).await.unwrap();
        assert_eq!(opening.reactions, vec![(Reaction::Thanks, 1, true)]);

        // The manager pins a notice; hiding it takes it off the board and tells the author.
        rooms::set_pinned(&store, &as_(manager), first, manager, true).await.unwrap();
        assert_eq!(rooms::noticeboard(&store, room.id).await.unwrap().iter().map(|t| t.id).collect::<Vec<_>>(), [first]);
        rooms::hide(&store, &as_(manager), first, manager, "Names a court car park rota").await.unwrap();
        assert!(rooms::noticeboard(&store, room.id).await.unwrap().is_empty());
        let hidden = rooms::post(&store, first).await.unwrap().hidden.unwrap();
        assert_eq!((hidden.by.as_str(), hidden.reason.as_str()), ("Mina Manager", "Names a court car park rota"));
        assert!(hearth_store::cases::alerts_for(&store, sam).await.unwrap().iter().any(|a| a.message.contains("A moderator hid your post: Names a court car park rota")));
        assert!(matches!(rooms::reply(&store, &as_(kim), &room, first, kim, &words("Too late")).await, Err(StoreError::NotEditable(_))), "a hidden thread takes no replies");
        assert!(matches!(rooms::edit_post(&store, &as_(sam), first, sam, &thread("Court parking", "Put back"), 3).await, Err(StoreError::NotEditable(_))), "a hidden post cannot be changed back");
        // A reply in one room cannot be put in another room's thread.
        let other = room_of_team(&store, o.other_team).await;
        assert!(matches!(rooms::reply(&store, &as_(outsider), &other, second, outsider, &words("Hi")).await, Err(StoreError::NotFound)));
    }
}

#[tokio::test]
async fn an_announcement_is_made_only_in_the_whole_services_room_and_leaves_a_home_page_once_read() {
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let leader = common::add(&store, "Nia Leader", &[Role::NationalLeadership], Some(o.team), None).await;
        let sam = common::add(&store, "Sam Okafor", &[Role::Practitioner], Some(o.team), None).await;
        let national = rooms::rooms(&store).await.unwrap().into_iter().find(|r| r.kind == RoomKind::National).unwrap();
        let team_room = room_of_team(&store, o.team).await;
        let news = PostDraft { title: Some("New pay scales".into()), body: "From **April**.".into(), announcement: true };
        assert!(matches!(rooms::start_thread(&store, &as_(leader), &team_room, leader, &news).await, Err(StoreError::Refused(f)) if f.field == "announcement"));
        let id = rooms::start_thread(&store, &as_(leader), &national, leader, &news).await.unwrap();
        let unread = rooms::unread_announcements(&store, sam).await.unwrap();
        assert_eq!(unread.iter().map(|a| (a.id, a.title.as_str(), a.author.as_str())).collect::<Vec<_>>(), [(id, "New pay scales", "Nia Leader")]);
        rooms::mark_read(&store, id, sam).await.unwrap();
        rooms::mark_read(&store, id, sam).await.unwrap();
        assert!(rooms::unread_announcements(&store, sam).await.unwrap().is_empty());
        assert_eq!(rooms::unread_announcements(&store, leader).await.unwrap().len(), 1, "read by one, not by all");
        assert!(matches!(rooms::mark_read(&store, new_id(), sam).await, Err(StoreError::NotFound)));
        let ordinary = rooms::start_thread(&store, &as_(sam), &national, sam, &thread("Hello", "Hi all")).await.unwrap();
        assert!(matches!(rooms::mark_read(&store, ordinary, sam).await, Err(StoreError::NotFound)), "only an announcement is marked read");
    }
}

#[tokio::test]
async fn a_pair_has_one_conversation_only_its_members_read_it_and_seen_moves_forward() {
    use hearth_store::teamrooms::chat;
    for store in testing::stores().await {
        let o = common::small_org(&store).await;
        let manager = common::add(&store, "Mina Manager", &[Role::TeamManager], Some(o.team), None).await;
        let sam = common::add(&store, "Sam Okafor", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let kim = common::add(&store, "Kim Lee", &[Role::Practitioner], Some(o.team), Some(manager)).await;
        let admin = common::add(&store, "Ada Admin", &[Role::SystemAdmin, Role::Hr], Some(o.team), None).await;

        let pair = chat::start(&store, &as_(sam), sam, &[manager], "").await.unwrap();
        assert_eq!(chat::start(&store, &as_(manager), manager, &[sam], "").await.unwrap(), pair, "one conversation a pair, whoever starts it");
        assert!(matches!(chat::start(&store, &as_(sam), sam, &[sam], "").await, Err(StoreError::Refused(f)) if f.field == "with"));
        assert!(matches!(chat::start(&store, &as_(sam), sam, &[new_id()], "").await, Err(StoreError::Refused(f)) if f.field == "with"), "only people who work here");

        chat::send(&store, &as_(sam), pair, sam, "Can we move supervision to Thursday?").await.unwrap();
        assert!(matches!(chat::send(&store, &as_(sam), pair, sam, "   ").await, Err(StoreError::Refused(f)) if f.field == "body"));
        assert_eq!(chat::unread_total(&store, manager).await.unwrap(), 1);
        assert_eq!(chat::unread_total(&store, sam).await.unwrap(), 0, "one's own words are not unread");
        // Not a member: not found, whatever the role; a manager of a member included.
        for outsider in [kim, admin] {
            assert!(matches!(chat::open(&store, pair, outsider).await, Err(StoreError::NotFound)));
            assert!(matches!(chat::send(&store, &as_(outsider), pair, outsider, "Hi").await, Err(StoreError::NotFound)));
        }
        let opened = chat::open(&store, pair, manager).await.unwrap();
        assert_eq!((opened.messages.len(), opened.messages[0].author.as_str()), (1, "Sam Okafor"));
        assert_eq!(chat::unread_total(&store, manager).await.unwrap(), 0, "opening marks it read");
        let seen = chat::open(&store, pair, sam).await.unwrap().members.into_iter().find(|(id, ..)| *id == manager).unwrap().2;
        assert_eq!(seen, Some(opened.messages[0].at), "Sam sees that the manager has seen it");

        let group = chat::start(&store, &as_(kim), kim, &[sam, manager], "Duty cover").await.unwrap();
        chat::send(&store, &as_(kim), group, kim, "Who can cover Friday?").await.unwrap();
        let list = chat::conversations_of(&store, sam).await.unwrap();
        assert_eq!(list.iter().map(|c| (c.title.clone(), c.unread)).collect::<Vec<_>>(), [(Some("Duty cover".to_string()), 1), (None, 0)], "the latest first");
        assert_eq!(list[1].with, ["Mina Manager"]);

        // Retention: nothing is young enough to go; a message made old goes, with an event.
        assert_eq!(chat::purge(&store, &Default::default()).await.unwrap(), 0);
        sqlx::query("UPDATE chat_messages SET created_at = '2020-01-01T00:00:00Z' WHERE conversation_id = $1").bind(group.to_string()).execute(store.pool()).await.unwrap();
        assert_eq!(chat::purge(&store, &Default::default()).await.unwrap(), 1);
        assert!(chat::open(&store, group, sam).await.unwrap().messages.is_empty());
    }
}
