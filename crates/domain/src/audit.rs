//! The tamper-evident audit trail: each event's hash covers its own fields and the hash before it,
//! so altering, removing or reordering any event breaks the chain from that point on.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first event follows.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    /// Refused by the permission table or a sign-in rule.
    Denied,
    /// Attempted but failed, such as a wrong password.
    Failure,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "success" => Some(Outcome::Success),
            "denied" => Some(Outcome::Denied),
            "failure" => Some(Outcome::Failure),
            _ => None,
        }
    }
}

/// An action as the audit screen says it. Actions Hearth records are listed; one this build does
/// not know (from a newer release) is said from its code: `case.new_thing` is "Case: new thing".
pub fn action_words(action: &str) -> String {
    let known = match action {
        "access.refused" => "Refused access",
        "alert.dismissed" => "Dismissed an alert",
        "allocation.overridden" => "Allocated a case to someone other than the top suggestion",
        "allocation_plan.proposed" => "Proposed an allocation plan",
        "allocation_plan.accepted" => "Accepted an allocation plan",
        "allocation_plan.discarded" => "Discarded an allocation plan",
        "absence.recorded" => "Recorded time away",
        "supervision.recorded" => "Recorded a supervision",
        "supervision.viewed" => "Read a supervision record",
        "supervision.acknowledged" => "Acknowledged a supervision",
        "case.oversight_recorded" => "Recorded management oversight in supervision",
        "case.oversight_edited" => "Changed management oversight within its supervision's edit window",
        "supervision.edited" => "Changed a supervision record",
        "office_day.recorded" => "Recorded a day in the office",
        "office_day.withdrawn" => "Took back a day in the office",
        "training.quiz_answered" => "Answered a module's quiz",
        "induction_template.saved" => "Saved a new version of the induction template",
        "supervision.addendum_written" => "Added an addendum to a supervision record",
        "group_session.recorded" => "Recorded a group supervision or reflective practice session",
        "group_session.viewed" => "Read a group session's notes",
        "absence.cancelled" => "Cancelled time away",
        "audit.searched" => "Searched the audit trail",
        "backup.made" => "Made a backup",
        "backup.restored" => "Restored from a backup",
        "auth.sign_in" => "Signed in with a password",
        "auth.mfa" => "Entered an authenticator code",
        "auth.mfa_enrolled" => "Set up an authenticator app",
        "auth.mfa_verified" => "Finished signing in",
        "auth.signed_out" => "Signed out",
        "auth.signed_out_everywhere" => "Signed out on every device",
        "auth.api_token_created" => "Created an API token",
        "autonomy.granted" => "Earned autonomy",
        "autonomy.lost" => "Lost autonomy",
        "autonomy.reset" => "Had autonomy reset",
        "autonomy.revoked" => "Had autonomy revoked",
        "case.opened" => "Opened a case",
        "case.viewed" => "Viewed a case",
        "case.edited" => "Changed a case",
        "case.allocated" => "Allocated a case",
        "case.closed" => "Closed a case",
        "case.break_glass" => "Broke glass to read a case",
        "case.note_written" => "Wrote a note",
        "case.note_edited" => "Changed a note",
        "case.addendum_written" => "Wrote an addendum to a note",
        "case.participant_added" => "Added a person to a case",
        "case.hearing_listed" => "Listed a hearing",
        "case.filing_date_set" => "Set a filing date",
        "case.check_added" => "Added a safeguarding check",
        "case.check_updated" => "Updated a safeguarding check",
        "case.stage_changed" => "Moved a case to another stage",
        "case.task_added" => "Added a task",
        "case.task_done" => "Completed a task",
        "case.staff_named" => "Named someone on a restricted case",
        "case.staff_unnamed" => "Took someone off a restricted case",
        "case.transfer_offered" => "Offered a case to another team",
        "case.transfer_decided" => "Decided on a case offered to their team",
        "case_cap.set" => "Set a case cap",
        "conflict.declared" => "Declared a conflict of interest",
        "document.uploaded" => "Uploaded a document",
        "document.downloaded" => "Downloaded a document",
        "duty.recorded" => "Recorded a duty",
        "duty.ended" => "Ended a duty",
        "offer.made" => "Offered a case to the pool",
        "offer.accepted" => "Accepted an offer of work",
        "offer.declined" => "Declined an offer of work",
        "offer.withdrawn" => "Withdrew an offer of work",
        "org.office_desks_changed" => "Changed an office's desks",
        "org.reference_data_loaded" => "Loaded the reference data",
        "person.merged" => "Merged two records of a person",
        "sample.proposed" => "Proposed dip samples",
        "sample.swapped" => "Swapped a dip sample",
        "sample.audited" => "Graded a dip sample",
        "sample.moderated" => "Moderated a dip sample",
        "security.csrf_refused" => "Sent a form Hearth did not issue",
        "staff.created" => "Added a member of staff",
        "staff.viewed" => "Viewed a staff record",
        "staff.listed" => "Listed staff",
        "staff.moved" => "Moved someone to another team",
        "staff.roles_changed" => "Changed someone's roles",
        "staff.left" => "Recorded a leaver",
        "staff.mfa_reset" => "Reset someone's authenticator app",
        "staff.duty_started" => "Went on the duty desk",
        "staff.duty_ended" => "Came off the duty desk",
        "template.published" => "Published a court work template",
        "work.started" => "Started court work",
        "work.viewed" => "Viewed court work",
        "work.saved" => "Saved court work",
        "work.submitted" => "Submitted court work for sign-off",
        "work.returned" => "Returned court work with comments",
        "work.approved" => "Approved court work",
        "work.filed" => "Filed court work",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let said = |s: &str| s.replace('_', " ");
    match action.split_once('.') {
        Some((area, what)) => crate::text::capitalise(&format!("{}: {}", said(area), said(what))),
        None => crate::text::capitalise(&said(action)),
    }
}

/// The kind of record an event is about, in words.
pub fn subject_words(subject_type: &str) -> String {
    match subject_type {
        "case" => "Case".into(),
        "staff" => "Staff record".into(),
        "work" => "Court work".into(),
        "person" => "Person".into(),
        "team" => "Team".into(),
        "office" => "Office".into(),
        "alert" => "Alert".into(),
        "allocation_plan" => "Allocation plan".into(),
        "work_template" => "Court work template".into(),
        other => crate::text::capitalise(&other.replace('_', " ")),
    }
}

/// How an event ended, in words.
pub fn outcome_words(outcome: &str) -> &'static str {
    match Outcome::from_code(outcome) {
        Some(Outcome::Success) => "Done",
        Some(Outcome::Denied) => "Refused",
        Some(Outcome::Failure) => "Failed",
        None => "Unknown",
    }
}

/// One audit event as stored: every field the hash covers, in stored (text) form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub outcome: String,
    pub request_id: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The hash this event should carry, given the hash of the event before it.
    pub fn expected_hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        for field in [
            Some(self.seq.to_string().as_str()),
            Some(self.id.as_str()),
            Some(self.at.as_str()),
            self.actor_id.as_deref(),
            Some(self.action.as_str()),
            self.subject_type.as_deref(),
            self.subject_id.as_deref(),
            Some(self.outcome.as_str()),
            self.request_id.as_deref(),
            self.detail.as_deref(),
        ] {
            // A separator byte that cannot appear in the fields, and a marker for "absent" that
            // differs from the empty string.
            h.update([0x1f]);
            match field {
                Some(v) => {
                    h.update(b"=");
                    h.update(v.as_bytes());
                }
                None => h.update(b"-"),
            }
        }
        to_hex(&h.finalize())
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where and how the chain is broken. The first break is reported; everything after it is suspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The event's fields no longer produce its hash.
    Altered { seq: i64, id: String },
    /// The event does not follow the one before it: something was removed or reordered.
    Broken { seq: i64, id: String, expected_seq: i64 },
    /// The chain's recorded head is not its last event: events were removed from the end.
    Truncated { last_seq: i64, head_seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq, id } => {
                write!(f, "event {seq} ({id}) was altered: its contents no longer match its hash")
            }
            ChainBreak::Broken { seq, id, expected_seq } => write!(
                f,
                "event {seq} ({id}) does not follow the event before it (expected event {expected_seq}): events were removed or reordered"
            ),
            ChainBreak::Truncated { last_seq, head_seq } => write!(
                f,
                "the trail ends at event {last_seq} but its head records event {head_seq}: events were removed from the end"
            ),
        }
    }
}

/// Walks events in sequence order checking the chain, then checks the recorded head.
/// Feed it the whole trail; it stops at the first break.
#[derive(Debug)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { prev_hash: GENESIS_HASH.to_string(), next_seq: 1, checked: 0 }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, event: &AuditRecord) -> Result<(), ChainBreak> {
        if event.seq != self.next_seq || event.prev_hash != self.prev_hash {
            return Err(ChainBreak::Broken { seq: event.seq, id: event.id.clone(), expected_seq: self.next_seq });
        }
        if event.expected_hash(&self.prev_hash) != event.hash {
            return Err(ChainBreak::Altered { seq: event.seq, id: event.id.clone() });
        }
        self.prev_hash = event.hash.clone();
        self.next_seq += 1;
        self.checked += 1;
        Ok(())
    }

    /// Checks the head (last sequence number and hash) that the store recorded as it appended.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<u64, ChainBreak> {
        let last_seq = self.next_seq - 1;
        if last_seq != head_seq || self.prev_hash != head_hash {
            return Err(ChainBreak::Truncated { last_seq, head_seq });
        }
        Ok(self.checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_said_in_words() {
        assert_eq!(action_words("auth.mfa_verified"), "Finished signing in");
        assert_eq!(action_words("case.viewed"), "Viewed a case");
        assert_eq!(action_words("case.new_thing"), "Case: new thing", "one this build does not know");
        assert_eq!(subject_words("allocation_plan"), "Allocation plan");
        assert_eq!(outcome_words("denied"), "Refused");
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditRecord {
                    seq,
                    id: format!("id-{seq}"),
                    at: format!("2026-01-01T00:00:{seq:02}.000000Z"),
                    actor_id: (seq % 2 == 0).then(|| "actor".to_string()),
                    action: "staff.viewed".into(),
                    subject_type: Some("staff".into()),
                    subject_id: Some(format!("s{seq}")),
                    outcome: "success".into(),
                    request_id: None,
                    detail: None,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.expected_hash(&prev);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(events: &[AuditRecord], head: (i64, &str)) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in events {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let events = chain(5);
        assert_eq!(verify(&events, (5, &events[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn alteration_removal_reordering_and_truncation_are_named() {
        let events = chain(5);
        let head = (5, events[4].hash.as_str());

        let mut altered = events.clone();
        altered[2].detail = Some("changed".into());
        assert_eq!(verify(&altered, head), Err(ChainBreak::Altered { seq: 3, id: "id-3".into() }));

        let mut removed = events.clone();
        removed.remove(1);
        assert!(matches!(verify(&removed, head), Err(ChainBreak::Broken { seq: 3, expected_seq: 2, .. })));

        let mut reordered = events.clone();
        reordered.swap(1, 2);
        assert!(matches!(verify(&reordered, head), Err(ChainBreak::Broken { seq: 3, .. })));

        assert_eq!(verify(&events[..4], head), Err(ChainBreak::Truncated { last_seq: 4, head_seq: 5 }));
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        let mut a = chain(1).remove(0);
        let h1 = a.expected_hash(GENESIS_HASH);
        a.actor_id = Some(String::new());
        assert_ne!(h1, a.expected_hash(GENESIS_HASH));
    }
}
