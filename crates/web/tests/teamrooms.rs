//! Team rooms through the real router on real databases: members start threads and reply, with
//! Markdown made safe; a case reference is warned about before it is posted; people outside the
//! room are refused; a manager pins and hides with a reason; an author changes a post and a stale
//! change is refused; an announcement sits on the home page until read; the API lists rooms and
//! threads and answers problem+json naming the field.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, body, far_team, location, session, staff, team};
use hearth_domain::org::Role;
use hearth_domain::teamrooms::RoomKind;
use hearth_store::{new_id, org, testing};

#[tokio::test]
async fn members_post_and_reply_leaders_pin_and_hide_and_outsiders_are_refused() {
    for store in testing::stores().await {
        let home = team(&store, "Home team").await;
        let far = far_team(&store, "Far team").await;
        let area = org::team(&store, home).await.unwrap().service_area.id;
        let neighbour = new_id();
        let mut tx = store.begin().await.unwrap();
        org::insert_team(&mut tx, neighbour, "Neighbour team", area, None).await.unwrap();
        tx.commit().await.unwrap();
        let manager = staff(&store, "Mina Manager", &[Role::TeamManager], home, None).await;
        let sam = staff(&store, "Sam Okafor", &[Role::Practitioner], home, Some(manager)).await;
        let kim = staff(&store, "Kim Lee", &[Role::Practitioner], home, Some(manager)).await;
        let nel = staff(&store, "Nel Neighbour", &[Role::Practitioner], neighbour, None).await;
        let sue = staff(&store, "Sue Service", &[Role::ServiceManager], neighbour, None).await;
        let oz = staff(&store, "Oz Outsider", &[Role::TeamManager, Role::Practitioner], far, None).await;
        let app = App::new(&store).await;
        let (m, s, k, n, su, o) = (session(&store, manager).await, session(&store, sam).await, session(&store, kim).await, session(&store, nel).await, session(&store, sue).await, session(&store, oz).await);
        let rooms = hearth_store::teamrooms::rooms(&store).await.unwrap();
        let room = rooms.iter().find(|r| r.team_id == Some(home)).unwrap().id;

        // Sam's rooms: the team's, the area's and the whole service's; not another area's team.
        let page = body(app.send(Method::GET, "/rooms", Some(&s), None).await).await;
        assert!(page.contains("Home team") && page.contains("The whole service") && !page.contains("Far team") && !page.contains("Neighbour team"), "{page}");
        // The service manager reads the teams of the area, posting only where a member.
        let page = body(app.send(Method::GET, "/rooms", Some(&su), None).await).await;
        assert!(page.contains("Rooms you can read") && page.contains("Home team"), "{page}");

        // A thread with no title is named on the form.
        let res = app.send(Method::POST, &format!("/rooms/{room}/threads"), Some(&s), Some("title=&body=Hello")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = body(res).await;
        assert!(page.contains("href=\"#title\"") && page.contains("Enter a title"), "{page}");
        // A case reference is warned about; posted only once the author says so.
        let res = app.send(Method::POST, &format!("/rooms/{room}/threads"), Some(&s), Some("title=Cover&body=Can+anyone+cover+HRT-2026-004127%3F")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = body(res).await;
        assert!(page.contains("id=\"family-details\"") && page.contains("a case reference (HRT-2026-004127)") && page.contains("name=\"confirmed\" value=\"yes\""), "{page}");
        assert_eq!(hearth_store::teamrooms::threads(&store, room, hearth_store::PageRequest::new(None, None)).await.unwrap().total, 0, "nothing posted yet");
        let res = app.send(Method::POST, &format!("/rooms/{room}/threads"), Some(&s), Some("title=Court+parking&body=Shut+on+Friday.+See+%5Bthe+notice%5D(https%3A%2F%2Fexample.org%2Fparking)+%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let thread_path = location(&res);
        let page = body(app.send(Method::GET, &thread_path, Some(&k), None).await).await;
        assert!(page.contains("<h1 class=\"govuk-heading-l\">Court parking</h1>") && page.contains("rel=\"external noopener noreferrer\"") && page.contains("&lt;script&gt;") && !page.contains("<script>alert"), "{page}");
        let thread = thread_path.trim_start_matches("/room-threads/").to_string();

        // Kim replies, mentioning Sam, who is alerted.
        let res = app.send(Method::POST, &format!("{thread_path}/replies"), Some(&k), Some("body=Thanks+%40Sam+Okafor")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(hearth_store::cases::alerts_for(&store, sam).await.unwrap().iter().any(|a| a.message.contains("Kim Lee mentioned you")));
        let (_, replies) = hearth_store::teamrooms::thread(&store, thread.parse().unwrap(), sam).await.unwrap();
        let reply = replies[0].id;

        // Outside the room: another area's manager, a neighbouring team's worker. The service
        // manager of the area reads but does not post.
        for (who, what) in [(&o, "another area"), (&n, "a neighbouring team")] {
            assert_eq!(app.send(Method::GET, &format!("/rooms/{room}"), Some(who), None).await.status(), StatusCode::FORBIDDEN, "{what}");
            assert_eq!(app.send(Method::GET, &thread_path, Some(who), None).await.status(), StatusCode::FORBIDDEN, "{what}");
            assert_eq!(app.send(Method::POST, &format!("{thread_path}/replies"), Some(who), Some("body=Hi")).await.status(), StatusCode::FORBIDDEN, "{what}");
        }
        assert_eq!(app.send(Method::GET, &thread_path, Some(&su), None).await.status(), StatusCode::OK);
        assert_eq!(app.send(Method::POST, &format!("{thread_path}/replies"), Some(&su), Some("body=Hi")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::GET, &format!("/rooms/{}", new_id()), Some(&s), None).await.status(), StatusCode::NOT_FOUND);

        // The team's manager pins the thread; a practitioner cannot.
        assert_eq!(app.send(Method::POST, &format!("{thread_path}/pin"), Some(&s), Some("pinned=yes")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.send(Method::POST, &format!("{thread_path}/pin"), Some(&m), Some("pinned=yes")).await.status(), StatusCode::SEE_OTHER);
        let page = body(app.send(Method::GET, &format!("/rooms/{room}"), Some(&s), None).await).await;
        assert!(page.contains("hearth-notice") && page.contains("Court parking"), "{page}");

        // The manager hides Kim's reply: a reason is needed; Kim is told; others see only why.
        let res = app.send(Method::POST, &format!("/room-posts/{reply}/hide"), Some(&m), Some("reason=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter why the post is hidden"));
        assert_eq!(app.send(Method::POST, &format!("/room-posts/{reply}/hide"), Some(&m), Some("reason=Off+topic")).await.status(), StatusCode::SEE_OTHER);
        assert!(hearth_store::cases::alerts_for(&store, kim).await.unwrap().iter().any(|a| a.message.contains("A moderator hid your post: Off topic")));
        let as_sam = body(app.send(Method::GET, &thread_path, Some(&s), None).await).await;
        assert!(as_sam.contains("Hidden by Mina Manager") && as_sam.contains("Off topic") && !as_sam.contains("Thanks @Sam Okafor"), "{as_sam}");
        let as_kim = body(app.send(Method::GET, &thread_path, Some(&k), None).await).await;
        assert!(as_kim.contains("Thanks @Sam Okafor"), "the author still sees their words");

        // Sam changes the opening post; a stale version is refused and nothing is lost.
        assert_eq!(app.send(Method::GET, &format!("/room-posts/{thread}/edit"), Some(&k), None).await.status(), StatusCode::CONFLICT, "not Kim's post");
        let res = app.send(Method::POST, &format!("/room-posts/{thread}/edit"), Some(&s), Some("title=Court+parking&body=Shut+Friday+and+Monday&version=1")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = app.send(Method::POST, &format!("/room-posts/{thread}/edit"), Some(&s), Some("title=Court+parking&body=Old+words&version=1")).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let page = body(res).await;
        assert!(page.contains("Shut Friday and Monday") && page.contains("Old words"), "both versions are shown: {page}");

        // Reactions toggle.
        assert_eq!(app.send(Method::POST, &format!("/room-posts/{thread}/react"), Some(&k), Some("reaction=thanks")).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.send(Method::POST, &format!("/room-posts/{thread}/react"), Some(&k), Some("reaction=shout")).await.status(), StatusCode::BAD_REQUEST);
        assert!(body(app.send(Method::GET, &thread_path, Some(&k), None).await).await.contains("aria-pressed=\"true\""));

        // A hidden thread's title goes with its words: on the thread, the room and the API.
        assert_eq!(app.send(Method::POST, &format!("/room-posts/{thread}/hide"), Some(&m), Some("reason=Names+a+family")).await.status(), StatusCode::SEE_OTHER);
        for page in [body(app.send(Method::GET, &thread_path, Some(&k), None).await).await, body(app.send(Method::GET, &format!("/rooms/{room}"), Some(&k), None).await).await] {
            assert!(page.contains("Hidden post") && !page.contains("Court parking"), "{page}");
        }
        assert!(body(app.send(Method::GET, &thread_path, Some(&s), None).await).await.contains("Court parking"), "its author still sees it");
        let api = body(app.json(Method::GET, &format!("/api/v1/rooms/{room}/posts"), &k, "").await).await;
        assert!(api.contains("\"title\":\"Hidden post\"") && !api.contains("Court parking"), "{api}");
    }
}

#[tokio::test]
async fn an_announcement_sits_on_every_home_page_until_read_and_the_api_speaks_problem_json() {
    for store in testing::stores().await {
        let home = team(&store, "Home team").await;
        let far = far_team(&store, "Far team").await;
        let leader = staff(&store, "Nia Leader", &[Role::NationalLeadership], home, None).await;
        let sam = staff(&store, "Sam Okafor", &[Role::Practitioner], home, None).await;
        let oz = staff(&store, "Oz Outsider", &[Role::Practitioner], far, None).await;
        let app = App::new(&store).await;
        let (l, s, o) = (session(&store, leader).await, session(&store, sam).await, session(&store, oz).await);

        assert_eq!(app.send(Method::POST, "/announcements", Some(&s), Some("title=Hi&body=All")).await.status(), StatusCode::FORBIDDEN);
        let res = app.send(Method::POST, "/announcements", Some(&l), Some("title=New+pay+scales&body=From+**April**.")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let id = location(&res).trim_start_matches("/room-threads/").to_string();
        for who in [&s, &o] {
            let page = body(app.send(Method::GET, "/", Some(who), None).await).await;
            assert!(page.contains("New pay scales") && page.contains("<strong>April</strong>") && page.contains(&format!("/announcements/{id}/read")), "{page}");
        }
        assert_eq!(app.send(Method::POST, &format!("/announcements/{id}/read"), Some(&s), Some("")).await.status(), StatusCode::SEE_OTHER);
        assert!(!body(app.send(Method::GET, "/", Some(&s), None).await).await.contains("New pay scales"), "read: gone from Sam's page");
        assert!(body(app.send(Method::GET, "/", Some(&o), None).await).await.contains("New pay scales"), "still on Oz's");

        // The API: the rooms one may read, a room's threads, posting and its refusals.
        let list: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, "/api/v1/rooms", &s, "").await).await).unwrap();
        let items = list["items"].as_array().unwrap();
        let team_room = items.iter().find(|r| r["kind"] == RoomKind::Team.code() && r["member"] == true).unwrap()["id"].as_str().unwrap().to_string();
        assert!(items.iter().all(|r| r["name"] != "Far team"), "{list}");
        let national = items.iter().find(|r| r["kind"] == "national").unwrap();
        assert_eq!(national["threads"], 1);
        let res = app.json(Method::POST, &format!("/api/v1/rooms/{team_room}/posts"), &s, "{\"body\":\"\"}").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(problem["errors"][0]["field"], "title", "{problem}");
        let res = app.json(Method::POST, &format!("/api/v1/rooms/{team_room}/posts"), &s, "{\"title\":\"Cover\",\"body\":\"HRT-2026-004127 needs cover\"}").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a case reference is refused without confirmed");
        let res = app.json(Method::POST, &format!("/api/v1/rooms/{team_room}/posts"), &s, "{\"title\":\"Lunch\",\"body\":\"Thursday?\"}").await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let made: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        let res = app.json(Method::POST, &format!("/api/v1/rooms/{team_room}/posts"), &s, &format!("{{\"body\":\"Yes\",\"thread_id\":\"{id}\"}}")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "the announcement's thread is in another room");
        let res = app.json(Method::POST, &format!("/api/v1/rooms/{team_room}/posts"), &s, &format!("{{\"body\":\"Yes\",\"thread_id\":\"{}\"}}", made["id"].as_str().unwrap())).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let threads: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, &format!("/api/v1/rooms/{team_room}/posts"), &s, "").await).await).unwrap();
        assert_eq!((threads["total"].as_i64(), threads["items"][0]["replies"].as_i64()), (Some(1), Some(1)), "{threads}");
        assert_eq!(app.json(Method::GET, &format!("/api/v1/rooms/{team_room}/posts"), &o, "").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.json(Method::GET, &format!("/api/v1/rooms/{team_room}/posts?per_page=500"), &s, "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn a_worker_chats_with_their_manager_and_no_one_else_can_read_it() {
    for store in testing::stores().await {
        let home = team(&store, "Home team").await;
        let manager = staff(&store, "Mina Manager", &[Role::TeamManager], home, None).await;
        let sam = staff(&store, "Sam Okafor", &[Role::Practitioner], home, Some(manager)).await;
        let kim = staff(&store, "Kim Lee", &[Role::Practitioner], home, Some(manager)).await;
        let hr = staff(&store, "Hana Hr", &[Role::Hr, Role::SystemAdmin], home, None).await;
        let app = App::new(&store).await;
        let (m, s, k, h) = (session(&store, manager).await, session(&store, sam).await, session(&store, kim).await, session(&store, hr).await);

        let page = body(app.send(Method::GET, "/chat", Some(&s), None).await).await;
        assert!(page.contains("Message your line manager, Mina Manager") && page.contains("Kim Lee"), "{page}");
        // Starting with nobody is named on the form; an unknown email too.
        let res = app.send(Method::POST, "/chat", Some(&s), Some("title=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("href=\"#with\""));
        let res = app.send(Method::POST, "/chat", Some(&s), Some("email=nobody%40hearth.example")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("No one working here has that email address"));
        let res = app.send(Method::POST, "/chat", Some(&s), Some(&format!("with={manager}"))).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let path = location(&res).trim_end_matches("#latest").to_string();
        let id = path.trim_start_matches("/chat/").to_string();
        let res = app.send(Method::POST, &format!("{path}/messages"), Some(&s), Some("body=")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(body(res).await.contains("Enter a message"));
        assert_eq!(app.send(Method::POST, &format!("{path}/messages"), Some(&s), Some("body=Can+we+talk+about+my+caseload%3F")).await.status(), StatusCode::SEE_OTHER);

        // The manager sees it unread on the home page, opens it, and Sam sees it was seen.
        assert!(body(app.send(Method::GET, "/", Some(&m), None).await).await.contains("You have 1 unread message"));
        let page = body(app.send(Method::GET, &path, Some(&m), None).await).await;
        assert!(page.contains("Can we talk about my caseload?") && page.contains("Chat with Sam Okafor"), "{page}");
        assert!(body(app.send(Method::GET, &path, Some(&s), None).await).await.contains("Seen by Mina Manager"));

        // No one else, whatever their role: not a colleague, not HR or an administrator.
        for who in [&k, &h] {
            assert_eq!(app.send(Method::GET, &path, Some(who), None).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(app.send(Method::POST, &format!("{path}/messages"), Some(who), Some("body=Hi")).await.status(), StatusCode::NOT_FOUND);
            assert_eq!(app.json(Method::POST, &format!("/api/v1/conversations/{id}/messages"), who, "{\"body\":\"Hi\"}").await.status(), StatusCode::NOT_FOUND);
        }
        let list: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, "/api/v1/conversations", &k, "").await).await).unwrap();
        assert_eq!(list["total"], 0, "{list}");

        // The API: the manager replies; an empty message is named.
        let res = app.json(Method::POST, &format!("/api/v1/conversations/{id}/messages"), &m, "{\"body\":\"\"}").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: serde_json::Value = serde_json::from_str(&body(res).await).unwrap();
        assert_eq!(problem["errors"][0]["field"], "body");
        assert_eq!(app.json(Method::POST, &format!("/api/v1/conversations/{id}/messages"), &m, "{\"body\":\"Of course: Thursday at 10?\"}").await.status(), StatusCode::CREATED);
        let list: serde_json::Value = serde_json::from_str(&body(app.json(Method::GET, "/api/v1/conversations", &s, "").await).await).unwrap();
        assert_eq!((list["items"][0]["unread"].as_i64(), list["items"][0]["with"][0].as_str()), (Some(1), Some("Mina Manager")), "{list}");
    }
}

/// Reads a live events stream until `wanted` appears, or gives what came within `wait`.
async fn read_events(stream: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin), wanted: &str, wait: std::time::Duration) -> String {
    use futures_util::StreamExt;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    while !seen.contains(wanted) {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    seen
}

#[tokio::test]
async fn live_events_reach_those_who_may_read_and_no_one_else() {
    for store in testing::stores().await {
        let home = team(&store, "Home team").await;
        let far = far_team(&store, "Far team").await;
        let manager = staff(&store, "Mina Manager", &[Role::TeamManager], home, None).await;
        let sam = staff(&store, "Sam Okafor", &[Role::Practitioner], home, Some(manager)).await;
        let kim = staff(&store, "Kim Lee", &[Role::Practitioner], home, Some(manager)).await;
        let oz = staff(&store, "Oz Outsider", &[Role::Practitioner], far, None).await;
        let app = App::new(&store).await;
        let (m, s, k, o) = (session(&store, manager).await, session(&store, sam).await, session(&store, kim).await, session(&store, oz).await);
        let room = hearth_store::teamrooms::rooms(&store).await.unwrap().into_iter().find(|r| r.team_id == Some(home)).unwrap().id;
        assert_eq!(app.send(Method::GET, "/api/v1/events", None, None).await.status(), StatusCode::UNAUTHORIZED);
        let open = |who: String| {
            let app = &app;
            async move {
                let res = app.send(Method::GET, "/api/v1/events", Some(&who), None).await;
                assert_eq!(res.status(), StatusCode::OK);
                assert_eq!(res.headers()["content-type"], "text/event-stream");
                res.into_body().into_data_stream()
            }
        };
        let (mut kims, mut ozs, mut managers) = (open(k.clone()).await, open(o.clone()).await, open(m.clone()).await);

        let res = app.send(Method::POST, &format!("/rooms/{room}/threads"), Some(&s), Some("title=Lunch&body=Thursday%3F")).await;
        let thread = location(&res).trim_start_matches("/room-threads/").to_string();
        let got = read_events(&mut kims, &thread, std::time::Duration::from_secs(5)).await;
        assert!(got.contains("event: room_post") && got.contains(&format!("\"room_id\":\"{room}\"")) && !got.contains("Thursday"), "ids only, to a member: {got}");
        assert!(read_events(&mut ozs, "room_post", std::time::Duration::from_millis(300)).await.is_empty(), "not to someone outside the room");

        // A chat message reaches its members only: the manager, not Kim.
        let res = app.send(Method::POST, "/chat", Some(&s), Some(&format!("with={manager}"))).await;
        let chat = location(&res).trim_end_matches("#latest").to_string();
        app.send(Method::POST, &format!("{chat}/messages"), Some(&s), Some("body=Hello")).await;
        let id = chat.trim_start_matches("/chat/");
        assert!(read_events(&mut managers, id, std::time::Duration::from_secs(5)).await.contains("event: chat_message"));
        assert!(!read_events(&mut kims, "chat_message", std::time::Duration::from_millis(300)).await.contains("chat_message"), "not to a colleague outside it");

        // Stopping the server ends every stream.
        store.close_live();
        use futures_util::StreamExt;
        assert!(tokio::time::timeout(std::time::Duration::from_secs(5), async { while ozs.next().await.is_some() {} }).await.is_ok(), "the stream ended");
    }
}
