//! Group supervision and reflective practice: a session a manager holds with several of a team's
//! workers, on a theme. Its notes are the team's learning, not a record about one person or a
//! family: the team sees them, as it sees its meetings. It sits beside one-to-one supervision and
//! does not move anyone's due date.

use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::{Collect, FieldError, FieldErrors};

coded_enum! {
    /// What kind of group session it was.
    SessionKind {
        GroupSupervision = "group_supervision", "Group supervision";
        ReflectivePractice = "reflective_practice", "Reflective practice";
    }
}

/// A session as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDraft {
    pub kind: SessionKind,
    pub held_on: Date,
    pub theme: String,
    pub notes: String,
    pub attendees: Vec<Uuid>,
}

/// What was typed, before it is checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    pub kind: String,
    pub held_on: String,
    pub theme: String,
    pub notes: String,
    pub attendees: Vec<String>,
}

/// The fewest workers a group session has: with one, it is one-to-one supervision.
pub const FEWEST_ATTENDEES: usize = 2;

impl SessionForm {
    /// A kind from the list; a real date not in the future; a theme; two or more workers, each
    /// one of `members` (the team's) and none of them the facilitator, who leads it.
    pub fn validate(
        &self,
        members: &[Uuid],
        facilitator: Uuid,
        today: Date,
    ) -> Result<SessionDraft, FieldErrors> {
        let mut c = Collect::default();
        let kind = c.keep(
            SessionKind::from_code(self.kind.trim())
                .ok_or_else(|| FieldError::new("kind", "Choose the kind of session")),
        );
        let held_on = c.keep(
            crate::org::parse_date("held_on", "the date it was held", &self.held_on).and_then(
                |d| {
                    if d > today {
                        Err(FieldError::new(
                            "held_on",
                            "The date it was held must be today or in the past",
                        ))
                    } else {
                        Ok(d)
                    }
                },
            ),
        );
        let theme = c.keep(crate::text::required(
            "theme",
            "the theme",
            &self.theme,
            200,
        ));
        let notes = c.keep(crate::text::optional(
            "notes",
            "the notes",
            &self.notes,
            10_000,
        ));
        let mut attendees: Vec<Uuid> = vec![];
        let mut stranger = false;
        for a in self
            .attendees
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            match Uuid::parse_str(a)
                .ok()
                .filter(|id| members.contains(id) && *id != facilitator)
            {
                Some(id) if !attendees.contains(&id) => attendees.push(id),
                Some(_) => {}
                None => stranger = true,
            }
        }
        if stranger {
            c.push(FieldError::new(
                "attendees",
                "Choose who came from the team's list",
            ));
        } else if attendees.len() < FEWEST_ATTENDEES {
            c.push(FieldError::new("attendees", format!("Choose at least {FEWEST_ATTENDEES} people who came: with one, record a supervision instead")));
        }
        match (kind, held_on, theme, notes) {
            (Some(kind), Some(held_on), Some(theme), Some(notes)) if c.is_empty() => {
                Ok(SessionDraft {
                    kind,
                    held_on,
                    theme,
                    notes,
                    attendees,
                })
            }
            _ => Err(c.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_group_session_has_two_or_more_of_the_team_and_names_what_is_wrong() {
        let (lead, a, b, outsider) = (
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            Uuid::from_u128(9),
        );
        let members = [lead, a, b];
        let today = date!(2026 - 12 - 06);
        let form = SessionForm {
            kind: "reflective_practice".into(),
            held_on: "2026-12-04".into(),
            theme: "Hearing the quieter child".into(),
            notes: String::new(),
            attendees: vec![a.to_string(), b.to_string(), a.to_string()],
        };
        let d = form.validate(&members, lead, today).unwrap();
        assert_eq!(
            (d.kind, d.attendees),
            (SessionKind::ReflectivePractice, vec![a, b]),
            "each person once"
        );
        let one = SessionForm {
            attendees: vec![a.to_string(), lead.to_string()],
            ..form.clone()
        };
        assert_eq!(
            one.validate(&members, lead, today).unwrap_err()[0].field,
            "attendees",
            "the facilitator is not one of the group"
        );
        let stranger = SessionForm {
            attendees: vec![a.to_string(), outsider.to_string()],
            ..form.clone()
        };
        assert_eq!(
            stranger.validate(&members, lead, today).unwrap_err()[0].message,
            "Choose who came from the team's list"
        );
        let bad = SessionForm {
            kind: "party".into(),
            held_on: "2026-12-07".into(),
            theme: " ".into(),
            ..form
        };
        let fields: Vec<_> = bad
            .validate(&members, lead, today)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["kind", "held_on", "theme"]);
    }
}
