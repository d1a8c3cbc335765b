//! Team rooms: every team, service area and the whole service has a room, with a noticeboard of
//! pinned posts, threads with replies and reactions, and national announcements. The rules here
//! are pure: who stands where to a room, what a post must be, whom a post mentions, and what in it
//! looks like a family's details, which never belong in a room.

use serde::Deserialize;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::FieldError;
use crate::access::{Permission, Relationships};
use crate::org::StaffPlacement;
use crate::text;

coded_enum!(
    /// Whose room it is.
    RoomKind {
        Team = "team", "Team room";
        Area = "area", "Service area room";
        National = "national", "Whole service";
    }
);

coded_enum!(
    /// A reaction to a post: a quick word without a reply.
    Reaction {
        Thanks = "thanks", "Thanks";
        Agree = "agree", "Agree";
        Celebrate = "celebrate", "Well done";
    }
);

/// Where a room sits in the organisation, for deciding who may read and post in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomPlace {
    pub kind: RoomKind,
    /// The team, for a team room.
    pub team_id: Option<Uuid>,
    /// The team's service area for a team room; the area for an area room.
    pub service_area_id: Option<Uuid>,
}

/// How someone stands to a room. A room's **members** stand at `Team`: the team's own staff, the
/// area's staff for an area room, everyone for the whole service's room. `Area` holds for the
/// room's service area: a team room's whole area (service managers read there) and an area room's
/// members; the whole service's room is in no one area. Everyone else stands at `National`.
pub fn standing(actor: &StaffPlacement, place: &RoomPlace) -> Relationships {
    let in_area = place.service_area_id.is_some() && actor.service_area_id == place.service_area_id;
    let member = match place.kind {
        RoomKind::Team => place.team_id.is_some() && actor.team_id == place.team_id,
        RoomKind::Area => in_area,
        RoomKind::National => true,
    };
    Relationships { own: false, line_chain: false, duty: false, mentor: false, team: member, area: in_area, shut_out: false }
}

/// The permission that pins and hides in a room of this kind: a team manager leads a team's room,
/// not the area's or the whole service's.
pub fn moderation(kind: RoomKind) -> Permission {
    match kind {
        RoomKind::Team => Permission::ModerateRoom,
        RoomKind::Area | RoomKind::National => Permission::ModerateWideRoom,
    }
}

/// How long an author may change what they posted.
pub const EDIT_HOURS: i64 = 24;

/// May this person change this post now? Only its author, for a day, and not once hidden.
pub fn may_edit(author: Uuid, actor: Uuid, posted_at: OffsetDateTime, hidden: bool, now: OffsetDateTime) -> bool {
    author == actor && !hidden && now - posted_at < Duration::hours(EDIT_HOURS)
}

/// The longest title and post.
pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 10_000;

/// A post as it will be saved: a thread's opening post has a title; a reply does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostDraft {
    pub title: Option<String>,
    pub body: String,
    /// Shown on everyone's home page until read (national leadership, in the whole service's room).
    pub announcement: bool,
}

/// The post form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PostForm {
    pub title: String,
    pub body: String,
    /// "yes" to make it a national announcement.
    pub announcement: String,
    /// "yes" once the author has seen the warning about family details and posts anyway.
    pub confirmed: String,
    /// The version being edited, for a change to a post.
    pub version: String,
}

impl PostForm {
    /// Parses a thread's opening post (`opening`) or a reply.
    pub fn parse(&self, opening: bool) -> Result<PostDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = if opening {
            match text::required("title", "a title", &self.title, TITLE_MAX) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        } else {
            None
        };
        let body = text::required("body", "what you want to say", &self.body, BODY_MAX).map_err(|e| errors.push(e)).unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PostDraft { title, body, announcement: opening && self.announcement == "yes" })
    }

    pub fn confirmed(&self) -> bool {
        self.confirmed == "yes"
    }
}

/// Why a moderator hid a post, as typed.
pub fn hide_reason(value: &str) -> Result<String, FieldError> {
    text::required("reason", "why the post is hidden", value, 500)
}

/// The people a post mentions: `@` followed by a member's full name, in any case, not running on
/// into another word. Each person once, in the order given.
pub fn mentions(body: &str, people: &[(Uuid, String)]) -> Vec<Uuid> {
    let lower = body.to_lowercase();
    let mut found = Vec::new();
    for (id, name) in people {
        let wanted = format!("@{}", name.to_lowercase());
        let hit = lower.match_indices(&wanted).any(|(at, m)| !lower[at + m.len()..].chars().next().is_some_and(|c| c.is_alphanumeric()));
        if hit && !found.contains(id) {
            found.push(*id);
        }
    }
    found
}

/// What in a post looks like a family's details: a case reference (`HRT-2026-004127`) or the
/// full name of someone on one of the author's cases. The author is warned before it is posted.
pub fn family_details(text: &str, names_on_my_cases: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(r) = case_reference_in(text) {
        found.push(format!("a case reference ({r})"));
    }
    let lower = text.to_lowercase();
    for name in names_on_my_cases {
        let n = name.trim().to_lowercase();
        if n.contains(' ') && word_in(&lower, &n) && !found.iter().any(|f| f.contains(name.trim())) {
            found.push(format!("the name of someone on one of your cases ({})", name.trim()));
        }
    }
    found
}

/// Whether `word` appears in `text` with no letter or digit either side.
fn word_in(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, m)| {
        let before = text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric());
        let after = text[at + m.len()..].chars().next().is_some_and(|c| c.is_alphanumeric());
        !before && !after
    })
}

/// The first case reference in a text: `HRT-`, a four-digit year, `-`, six digits (any case).
fn case_reference_in(text: &str) -> Option<String> {
    let upper = text.to_uppercase();
    let bytes = upper.as_bytes();
    upper.match_indices("HRT-").find_map(|(at, _)| {
        let rest = &bytes[at + 4..];
        let shape = rest.len() >= 11 && rest[..4].iter().all(u8::is_ascii_digit) && rest[4] == b'-' && rest[5..11].iter().all(u8::is_ascii_digit);
        let ends = rest.get(11).is_none_or(|c| !c.is_ascii_alphanumeric());
        (shape && ends).then(|| upper[at..at + 15].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;

    fn placed(team: Option<Uuid>, area: Option<Uuid>) -> StaffPlacement {
        StaffPlacement { id: Uuid::now_v7(), team_id: team, service_area_id: area, managers: vec![], on_duty: false }
    }

    #[test]
    fn members_of_a_team_room_are_its_team_and_the_rest_of_the_area_stands_nearby() {
        let (team, other_team, area, other_area) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let room = RoomPlace { kind: RoomKind::Team, team_id: Some(team), service_area_id: Some(area) };
        let member = standing(&placed(Some(team), Some(area)), &room);
        assert!(member.holds(Scope::Team) && member.holds(Scope::Area));
        let neighbour = standing(&placed(Some(other_team), Some(area)), &room);
        assert!(!neighbour.holds(Scope::Team) && neighbour.holds(Scope::Area));
        let stranger = standing(&placed(Some(other_team), Some(other_area)), &room);
        assert!(!stranger.holds(Scope::Team) && !stranger.holds(Scope::Area) && stranger.holds(Scope::National));
        let area_room = RoomPlace { kind: RoomKind::Area, team_id: None, service_area_id: Some(area) };
        assert!(standing(&placed(Some(other_team), Some(area)), &area_room).holds(Scope::Team), "everyone in the area is a member");
        assert!(!standing(&placed(None, None), &area_room).holds(Scope::Team));
        let national = RoomPlace { kind: RoomKind::National, team_id: None, service_area_id: None };
        assert!(standing(&placed(None, None), &national).holds(Scope::Team), "everyone is a member of the whole service's room");
    }

    #[test]
    fn a_team_manager_moderates_their_team_room_but_not_the_area_or_the_whole_service() {
        use crate::access::permits;
        use crate::org::Role;
        let (team, area) = (Uuid::now_v7(), Uuid::now_v7());
        let me = placed(Some(team), Some(area));
        let rooms = [
            RoomPlace { kind: RoomKind::Team, team_id: Some(team), service_area_id: Some(area) },
            RoomPlace { kind: RoomKind::Area, team_id: None, service_area_id: Some(area) },
            RoomPlace { kind: RoomKind::National, team_id: None, service_area_id: None },
        ];
        let may = |roles: &[Role], room: &RoomPlace| permits(roles, moderation(room.kind), &standing(&me, room));
        assert_eq!(rooms.iter().map(|r| may(&[Role::TeamManager], r)).collect::<Vec<_>>(), [true, false, false]);
        assert_eq!(rooms.iter().map(|r| may(&[Role::ServiceManager], r)).collect::<Vec<_>>(), [true, true, false]);
        assert_eq!(rooms.iter().map(|r| may(&[Role::NationalLeadership], r)).collect::<Vec<_>>(), [true, true, true]);
        assert_eq!(rooms.iter().map(|r| may(&[Role::Practitioner], r)).collect::<Vec<_>>(), [false, false, false]);
        // Everyone reads and posts in their own rooms.
        for room in &rooms {
            assert!(permits(&[Role::Practitioner], Permission::PostInRoom, &standing(&me, room)) && permits(&[Role::ServiceManager], Permission::ViewRoom, &standing(&me, room)));
        }
    }

    #[test]
    fn an_opening_post_needs_a_title_and_a_reply_only_words() {
        let f = PostForm { title: " ".into(), body: "".into(), ..Default::default() };
        let errors = f.parse(true).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field.as_ref()).collect::<Vec<_>>(), ["title", "body"]);
        let f = PostForm { body: " Thanks all ".into(), announcement: "yes".into(), ..Default::default() };
        assert_eq!(f.parse(false).unwrap(), PostDraft { title: None, body: "Thanks all".into(), announcement: false }, "a reply is never an announcement");
        let long = PostForm { title: "x".repeat(TITLE_MAX + 1), body: "b".into(), ..Default::default() };
        assert_eq!(long.parse(true).unwrap_err()[0].field, "title");
    }

    #[test]
    fn mentions_find_members_by_full_name_and_not_inside_longer_words() {
        let (sam, sami) = (Uuid::now_v7(), Uuid::now_v7());
        let people = vec![(sam, "Sam Okafor".to_string()), (sami, "Sam Okaforth".to_string())];
        assert_eq!(mentions("Thanks @sam okafor, and @Sam Okafor again!", &people), vec![sam]);
        assert_eq!(mentions("cc @Sam Okaforth", &people), vec![sami]);
        assert!(mentions("Sam Okafor without the at", &people).is_empty());
    }

    #[test]
    fn case_references_and_names_on_my_cases_are_flagged_but_ordinary_words_are_not() {
        let names = vec!["Lily Carter".to_string(), "Ann".to_string()];
        let found = family_details("Can anyone cover hrt-2026-004127 for Lily Carter tomorrow?", &names);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("HRT-2026-004127"));
        assert!(family_details("HRT-2026-0041 is not one; Lily Carterton is not her; Ann is one word", &names).is_empty());
        assert!(family_details("Team lunch on Thursday", &names).is_empty());
    }

    #[test]
    fn an_author_may_change_a_post_for_a_day_unless_it_was_hidden() {
        let (me, you) = (Uuid::now_v7(), Uuid::now_v7());
        let at = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        assert!(may_edit(me, me, at, false, at + Duration::hours(23)));
        assert!(!may_edit(me, me, at, false, at + Duration::hours(24)));
        assert!(!may_edit(me, you, at, false, at));
        assert!(!may_edit(me, me, at, true, at));
    }
}

pub mod chat {
    //! Chat: a conversation between two people (a worker and their line manager, or any two
    //! colleagues) or a small group. Only its members read it; messages are kept for a set time.

    use serde::{Deserialize, Serialize};
    use uuid::Uuid;

    use crate::FieldError;
    use crate::text;

    /// The most people in a group conversation, the starter included.
    pub const GROUP_MAX: usize = 8;
    /// The longest message.
    pub const MESSAGE_MAX: usize = 4_000;

    /// How long messages are kept (`[chat]` in `hearth.toml`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct ChatSettings {
        /// Days a message is kept before it is deleted (two years).
        pub keep_days: i64,
    }

    impl Default for ChatSettings {
        fn default() -> Self {
            Self { keep_days: 730 }
        }
    }

    impl ChatSettings {
        pub fn validate(&self) -> Result<(), String> {
            if !(30..=3650).contains(&self.keep_days) {
                return Err(format!("keep_days must be from 30 to 3650 days, not {}", self.keep_days));
            }
            Ok(())
        }
    }

    /// A message as typed.
    pub fn message(value: &str) -> Result<String, FieldError> {
        text::required("body", "a message", value, MESSAGE_MAX)
    }

    /// Who a new conversation is with, besides its starter: one person for a pair, two to seven
    /// for a group (which needs a name). The starter is never among them.
    pub fn members(starter: Uuid, others: &[Uuid], title: &str) -> Result<(Vec<Uuid>, Option<String>), FieldError> {
        let mut people: Vec<Uuid> = Vec::new();
        for o in others {
            if *o != starter && !people.contains(o) {
                people.push(*o);
            }
        }
        match people.len() {
            0 => Err(FieldError::new("with", "Choose who the conversation is with")),
            1 => Ok((people, None)),
            n if n + 1 > GROUP_MAX => Err(FieldError::new("with", format!("A group conversation is for up to {GROUP_MAX} people, you included"))),
            _ => Ok((people, Some(text::required("title", "a name for the group", title, 80)?))),
        }
    }

    /// The key that makes a pair's conversation one and only one, whoever starts it.
    pub fn pair_key(a: Uuid, b: Uuid) -> String {
        if a < b { format!("{a}:{b}") } else { format!("{b}:{a}") }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_pair_needs_one_other_and_a_group_a_name_and_no_more_than_eight() {
            let (me, you, them) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
            assert_eq!(members(me, &[you, me, you], "").unwrap(), (vec![you], None), "the starter and repeats drop out");
            assert_eq!(members(me, &[me], "").unwrap_err().field, "with");
            assert_eq!(members(me, &[you, them], " ").unwrap_err().field, "title");
            assert_eq!(members(me, &[you, them], "Duty cover").unwrap().1.as_deref(), Some("Duty cover"));
            let many: Vec<Uuid> = (0..GROUP_MAX).map(|_| Uuid::now_v7()).collect();
            assert_eq!(members(me, &many, "Too many").unwrap_err().field, "with");
            assert_eq!(pair_key(me, you), pair_key(you, me));
        }
    }
}
