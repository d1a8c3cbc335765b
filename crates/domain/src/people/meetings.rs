//! Team meetings: monthly, in the office where possible. A meeting records its date, office,
//! agenda, who came (in the office, remotely, or absent with a reason) and actions with owners.

use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::{Collect, FieldError, FieldErrors};

coded_enum! {
    /// How someone took part in a team meeting.
    Attendance {
        Office = "office", "In the office";
        Remote = "remote", "Joined remotely";
        Absent = "absent", "Absent";
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub staff_id: Uuid,
    pub attendance: Attendance,
    /// Why they were absent; none otherwise.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingAction {
    pub title: String,
    pub owner: Uuid,
    pub due_on: Option<Date>,
}

/// A meeting as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDraft {
    pub held_on: Date,
    pub office_id: Option<Uuid>,
    pub agenda: String,
    pub attendees: Vec<Attendee>,
    pub actions: Vec<MeetingAction>,
}

/// Rows for actions the form offers.
pub const ACTION_ROWS: usize = 3;

/// One action row as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    pub title: String,
    pub owner: String,
    pub due_on: String,
}

/// What was typed: attendance by member id, action rows in order.
#[derive(Debug, Clone, Default)]
pub struct MeetingForm {
    pub held_on: String,
    pub office: String,
    pub agenda: String,
    /// (member id, attendance code, reason)
    pub attendance: Vec<(Uuid, String, String)>,
    pub actions: Vec<ActionForm>,
}

/// The field of one member's attendance, or their reason: `attendance-{id}`, `reason-{id}`.
pub fn member_field(part: &str, id: Uuid) -> String {
    format!("{part}-{id}")
}

/// The field of an action row's part: `action-1`, `owner-1`, `due_on-1`.
pub fn action_field(part: &str, row: usize) -> String {
    format!("{part}-{row}")
}

impl MeetingForm {
    /// A real date not in the future; an agenda; every member's attendance, with a reason for
    /// an absence; each action with an owner from the team, due on or after the meeting.
    pub fn validate(&self, members: &[Uuid], offices: &[Uuid], today: Date) -> Result<MeetingDraft, FieldErrors> {
        let mut c = Collect::default();
        let held_on = c.keep(crate::org::parse_date("held_on", "the date it was held", &self.held_on).and_then(|d| {
            if d > today { Err(FieldError::new("held_on", "The date it was held must be today or in the past")) } else { Ok(d) }
        }));
        let office_id = c.keep(match self.office.trim() {
            "" => Ok(None),
            v => Uuid::parse_str(v).ok().filter(|o| offices.contains(o)).map(Some).ok_or_else(|| FieldError::new("office", "Choose the office from the list")),
        });
        let agenda = c.keep(crate::text::required("agenda", "the agenda", &self.agenda, 5_000));
        let mut attendees = vec![];
        for m in members {
            let (code, reason) = self.attendance.iter().find(|(id, _, _)| id == m).map(|(_, a, r)| (a.as_str(), r.as_str())).unwrap_or(("", ""));
            let Some(attendance) = Attendance::from_code(code.trim()) else {
                c.push(FieldError::new(member_field("attendance", *m), "Say how each person took part"));
                continue;
            };
            let reason = match attendance {
                Attendance::Absent => c.keep(crate::text::required(member_field("reason", *m), "why they were absent", reason, 200).map(Some)),
                _ => Some(None),
            };
            if let Some(reason) = reason {
                attendees.push(Attendee { staff_id: *m, attendance, reason });
            }
        }
        let mut actions = vec![];
        for (i, a) in self.actions.iter().enumerate().map(|(i, a)| (i + 1, a)) {
            match (a.title.trim(), a.owner.trim(), a.due_on.trim()) {
                ("", "", "") => {}
                ("", _, _) => c.push(FieldError::new(action_field("action", i), "Say what the action is, or clear its owner and date")),
                (title, owner, due) => {
                    let title = c.keep(crate::text::required(action_field("action", i), "the action", title, 200));
                    let owner = c.keep(Uuid::parse_str(owner).ok().filter(|o| members.contains(o)).ok_or_else(|| FieldError::new(action_field("owner", i), "Choose who owns the action")));
                    let due = match due {
                        "" => Some(None),
                        v => c.keep(crate::org::parse_date(action_field("due_on", i), "the date the action is due", v).and_then(|d| match held_on {
                            Some(h) if d < h => Err(FieldError::new(action_field("due_on", i), "The action's due date must be on or after the meeting")),
                            _ => Ok(Some(d)),
                        })),
                    };
                    if let (Some(title), Some(owner), Some(due_on)) = (title, owner, due) {
                        actions.push(MeetingAction { title, owner, due_on });
                    }
                }
            }
        }
        match (held_on, office_id, agenda) {
            (Some(held_on), Some(office_id), Some(agenda)) if c.is_empty() => Ok(MeetingDraft { held_on, office_id, agenda, attendees, actions }),
            _ => Err(c.0),
        }
    }
}

/// The share of the team in the office, as a whole percentage of everyone recorded.
pub fn office_share(attendance: &[Attendance]) -> Option<u32> {
    let n = attendance.len();
    (n > 0).then(|| (attendance.iter().filter(|a| **a == Attendance::Office).count() as f64 * 100.0 / n as f64).round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_member_is_accounted_for_and_an_absence_has_a_reason() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let form = MeetingForm {
            held_on: "2026-12-01".into(),
            office: String::new(),
            agenda: "Caseloads\nThe new DA policy".into(),
            attendance: vec![(a, "office".into(), String::new()), (b, "absent".into(), "In court".into())],
            actions: vec![ActionForm { title: "Share the court list".into(), owner: a.to_string(), due_on: "2026-12-08".into() }, ActionForm::default()],
        };
        let d = form.validate(&[a, b], &[], date!(2026 - 12 - 06)).unwrap();
        assert_eq!((d.attendees.len(), d.attendees[1].reason.as_deref(), d.actions.len()), (2, Some("In court"), 1));
        let bad = MeetingForm { attendance: vec![(b, "absent".into(), String::new())], actions: vec![ActionForm { title: "Orphan".into(), owner: Uuid::from_u128(9).to_string(), due_on: "2026-11-01".into() }], ..form };
        let fields: Vec<_> = bad.validate(&[a, b], &[], date!(2026 - 12 - 06)).unwrap_err().into_iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, [member_field("attendance", a), member_field("reason", b), action_field("owner", 1), action_field("due_on", 1)]);
        assert_eq!(office_share(&[Attendance::Office, Attendance::Remote, Attendance::Absent, Attendance::Office]), Some(50));
    }
}
