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
