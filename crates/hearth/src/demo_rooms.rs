//! Demo team rooms: three months of threads and replies in every team's room (the demo team's
//! holds over a thousand posts, the size a room page is measured at), a pinned "ways of working"
//! notice in each, threads in each area's room, and national announcements in the whole service's
//! room: the older ones read by almost everyone, the newest waiting on every home page. Chats: a
//! share of workers with their line managers, and a group in each team, the last message of each
//! unread. Nothing in them names a child or a family. Drawn from their own generator, so other demo
//! data does not move.

use anyhow::Result;
use hearth_domain::teamrooms::RoomKind;
use hearth_store::org::{self, Members};
use hearth_store::teamrooms::{DemoPost, load_demo, rooms};
use hearth_store::{Store, new_id};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const TITLES: &[(&str, &str)] = &[
    ("Court car park closed on Friday", "The car park at the family court is closed on Friday for resurfacing. The multi-storey on Station Road is the nearest; keep your receipt for expenses."),
    ("Duty rota for next month", "The duty rota for next month is on the shared drive. Swap with each other and tell me by Thursday so the team calendar is right."),
    ("Domestic abuse refresher: places left", "There are four places left on the domestic abuse practice refresher on the 14th. Book through Training in Hearth."),
    ("Who is in the office on Thursday?", "I have booked a desk for Thursday. Anyone fancy a coffee and a catch-up about the new report template?"),
    ("Tips for the new section 7 template", "Three things that helped me: write the analysis first, use the welfare checklist headings as you go, and keep the child's words exact."),
    ("Team lunch", "Lunch together after the team meeting? Somewhere with a table big enough for all of us."),
    ("Lone working: check-in reminder", "A reminder to use the lone-working check-in for every home visit, and to check out when you leave."),
    ("Booking interpreters", "The interpreting service now needs five working days' notice for a face-to-face booking. Video is usually quicker."),
    ("Reflective practice group", "Our next reflective practice group is on the first Wednesday. Bring a piece of work you found hard and would like to think about together."),
    ("Useful reading on sibling contact", "A good summary of the research on sibling relationships is in the practice library this month."),
    ("Wellbeing walk on Friday", "A short walk at lunchtime on Friday from the office. All paces welcome, rain or shine."),
    ("Laptop updates this weekend", "IT are updating laptops this weekend. Leave yours switched on and connected on Friday night if you can."),
    ("Welcome to our new starter", "Please make our new colleague welcome. They are shadowing court work this week and would value joining a hearing."),
    ("Court user group notes", "Notes from this month's court user group: listing times are moving earlier, and the usher desk has a new phone number."),
    ("Quiet room booking", "The quiet room can now be booked for calls that need privacy. Please book it rather than using a meeting room."),
];

const REPLIES: &[&str] = &[
    "Thanks, that's helpful.",
    "I can cover Tuesday if that helps.",
    "Count me in.",
    "Good idea. The practice guide has more on this.",
    "I'll be in on Thursday.",
    "Thanks for sorting this.",
    "Could we talk about this at the team meeting?",
    "Done, and I've told the court office.",
    "I found the same. The template's guidance notes help.",
    "Booked, thank you.",
];

const WAYS_OF_WORKING: &str = "How we work together:\n\n- We book a desk for team days and come in for them.\n- We answer the duty phone in turn, and hand over in writing.\n- We never put children's or families' details in this room: the case record is the place.\n- Supervision is monthly; ask if you need it sooner.";

const CHAT_LINES: &[&str] = &[
    "Have you got ten minutes today to talk through my caseload?",
    "Yes, after two o'clock works. Call me then.",
    "Thanks. Also, can we move supervision to next Thursday?",
    "Of course. I've moved it in the calendar.",
    "Perfect, thank you.",
];

const GROUP_LINES: &[&str] = &["Can anyone cover duty on Friday morning?", "I can do until eleven.", "I'll take it from eleven, then.", "Thank you both."];

const ANNOUNCEMENTS: &[(&str, &str)] = &[
    ("Our inspection outcome", "Thank you, everyone. The inspectors found the service **outstanding** again, and singled out how children's voices come through in our reports."),
    ("New practice guidance on domestic abuse", "New national practice guidance on domestic abuse takes effect next month. It is in Policies in Hearth: please read it and confirm."),
    ("Staff survey results", "Thank you to the 82% of you who answered the staff survey. The results and what we will do next are on the intranet."),
    ("Winter wellbeing", "The dark months are hard. The employee assistance line is open day and night, and your manager will make time to talk. Look after each other."),
];

/// `leader` makes the announcements; `demo_team_manager`'s team has the busiest room.
pub async fn generate(store: &Store, leader: Option<Uuid>, demo_team_manager: Option<Uuid>) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(37);
    let now = hearth_store::now();
    let demo_team = match demo_team_manager {
        Some(m) => org::placement(store, m).await?.team_id,
        None => None,
    };
    let all = rooms(store).await?;
    let mut posts = Vec::new();
    let mut chats: Vec<hearth_store::teamrooms::chat::DemoConversation> = Vec::new();
    // Each team's members, and each area's.
    let mut by_area: std::collections::HashMap<Uuid, Vec<Uuid>> = Default::default();
    let mut everyone = Vec::new();
    for room in all.iter().filter(|r| r.kind == RoomKind::Team) {
        let Some(team) = room.team_id else { continue };
        let people = org::members(store, Members::Team(team)).await?;
        let members: Vec<Uuid> = people.iter().map(|m| m.id).collect();
        if members.is_empty() {
            continue;
        }
        // Chats with line managers: every worker in the demo team, a third elsewhere.
        for p in &people {
            let Some(manager) = p.line_manager_id else { continue };
            if manager == p.id || (Some(team) != demo_team && !rng.random_bool(0.33)) {
                continue;
            }
            let start = now - Duration::minutes(rng.random_range(60..30 * 24 * 60));
            let lines: Vec<(Uuid, String, OffsetDateTime)> = CHAT_LINES.iter().take(rng.random_range(2..=CHAT_LINES.len())).enumerate().map(|(i, words)| (if i % 2 == 0 { p.id } else { manager }, (*words).to_string(), start + Duration::minutes(7 * i as i64))).collect();
            chats.push((vec![p.id, manager], None, lines));
        }
        if members.len() >= 3 {
            let group: Vec<Uuid> = members.iter().take(4).copied().collect();
            let start = now - Duration::hours(rng.random_range(2..200));
            let lines = GROUP_LINES.iter().enumerate().map(|(i, words)| (group[i % group.len()], (*words).to_string(), start + Duration::minutes(11 * i as i64))).collect();
            chats.push((group, Some("Duty cover".into()), lines));
        }
        if let Some(area) = room.service_area_id {
            by_area.entry(area).or_default().extend(members.iter().copied());
        }
        everyone.extend(members.iter().copied());
        let lead = match demo_team_manager {
            Some(m) if Some(team) == demo_team => m,
            _ => members[0],
        };
        // The standing notice, pinned from the start of the period.
        posts.push(DemoPost { id: new_id(), room: room.id, thread: None, author: lead, title: Some("How we work together".into()), body: WAYS_OF_WORKING.into(), announcement: false, pinned_by: Some(lead), at: now - Duration::days(90) });
        let threads = if Some(team) == demo_team { 340 } else { rng.random_range(8..16) };
        threads_in(&mut rng, &mut posts, room.id, &members, threads, now);
    }
    for room in all.iter().filter(|r| r.kind == RoomKind::Area) {
        if let Some(members) = room.service_area_id.and_then(|a| by_area.get(&a)) {
            threads_in(&mut rng, &mut posts, room.id, members, 6, now);
        }
    }
    let mut reads = Vec::new();
    if let Some(national) = all.iter().find(|r| r.kind == RoomKind::National) {
        if !everyone.is_empty() {
            threads_in(&mut rng, &mut posts, national.id, &everyone, 10, now);
        }
        if let Some(leader) = leader {
            for (i, (title, body)) in ANNOUNCEMENTS.iter().enumerate() {
                // The oldest first, a few weeks apart; the newest two days ago, read by no one yet.
                let at = now - Duration::days(2 + 21 * (ANNOUNCEMENTS.len() - 1 - i) as i64) - Duration::hours(3);
                let id = new_id();
                posts.push(DemoPost { id, room: national.id, thread: None, author: leader, title: Some((*title).into()), body: (*body).into(), announcement: true, pinned_by: None, at });
                if i + 1 < ANNOUNCEMENTS.len() {
                    reads.extend(everyone.iter().filter(|_| rng.random_bool(0.97)).map(|s| (id, *s)));
                }
            }
        }
    }
    load_demo(store, &posts, &reads).await?;
    let messages = hearth_store::teamrooms::chat::load_demo(store, &chats).await?;
    Ok(posts.len() + messages)
}

/// `n` threads in a room over the last three months, each with a few replies from other members.
fn threads_in(rng: &mut StdRng, posts: &mut Vec<DemoPost>, room: Uuid, members: &[Uuid], n: usize, now: OffsetDateTime) {
    for _ in 0..n {
        let (title, body) = TITLES[rng.random_range(0..TITLES.len())];
        let author = members[rng.random_range(0..members.len())];
        let at = now - Duration::minutes(rng.random_range(60..90 * 24 * 60));
        let thread = new_id();
        posts.push(DemoPost { id: thread, room, thread: None, author, title: Some(title.into()), body: body.into(), announcement: false, pinned_by: None, at });
        let mut when = at;
        for _ in 0..rng.random_range(0..6usize) {
            when += Duration::minutes(rng.random_range(5..2 * 24 * 60));
            if when >= now {
                break;
            }
            let by = members[rng.random_range(0..members.len())];
            posts.push(DemoPost { id: new_id(), room, thread: Some(thread), author: by, title: None, body: REPLIES[rng.random_range(0..REPLIES.len())].into(), announcement: false, pinned_by: None, at: when });
        }
    }
}
