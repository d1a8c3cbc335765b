//! A saved change says so on the page it returns to, in the design system's success banner.
//!
//! The form's handler answers with [`redirect`], which names what was saved in a short-lived
//! cookie (a code from [`Saved`], never what was typed); [`layer`] hands it to the next page drawn
//! (`PageCtx`, then the layout) and clears it once a page has shown it.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::session::{cookie, read_cookie};

/// What was saved, as the banner says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    NoteAdded,
    NoteChanged,
    AddendumAdded,
    TaskAdded,
    TaskDone,
    HearingListed,
    FilingDateAdded,
    PersonAdded,
    CheckSaved,
    StageChanged,
    AllocationSaved,
    RolesChanged,
    TeamChanged,
    LeaverRecorded,
    MfaReset,
    TimeAwayRecorded,
    TimeAwayCancelled,
    DutyRecorded,
    DutyEnded,
    SupervisionRecorded,
    SupervisionAcknowledged,
    SupervisionChanged,
    SupervisionAddendumAdded,
    GroupSessionRecorded,
    InductionTemplateSaved,
    OfficeDayRecorded,
    DeskBooked,
    DeskCancelled,
    DeskCheckedIn,
    DeskNeedsSaved,
    DeskSaved,
    TeamDayHeld,
    TeamDayReleased,
    PostAdded,
    ReplyAdded,
    PostChanged,
    NoticePinned,
    NoticeUnpinned,
    PostHidden,
    AnnouncementMade,
    OfficeDayWithdrawn,
    CourseCompleted,
    CoursePublished,
    TrainingRecorded,
    PolicyAttested,
    PolicyPublished,
    PulseAnswered,
    PulseOpened,
    PlanOpened,
    PlanReviewed,
    PlanClosed,
    InductionStarted,
    InductionTicked,
    MeetingRecorded,
    AppraisalSaved,
    LeaveAsked,
    LeaveDecided,
    LeaveCancelled,
    LeaveAdjusted,
    SicknessReported,
    SicknessChanged,
    InterviewRecorded,
    ReviewClosed,
    BandSet,
    PatternSet,
}

const ALL: &[Saved] = &[
    Saved::NoteAdded,
    Saved::NoteChanged,
    Saved::AddendumAdded,
    Saved::TaskAdded,
    Saved::TaskDone,
    Saved::HearingListed,
    Saved::FilingDateAdded,
    Saved::PersonAdded,
    Saved::CheckSaved,
    Saved::StageChanged,
    Saved::AllocationSaved,
    Saved::RolesChanged,
    Saved::TeamChanged,
    Saved::LeaverRecorded,
    Saved::MfaReset,
    Saved::TimeAwayRecorded,
    Saved::TimeAwayCancelled,
    Saved::DutyRecorded,
    Saved::DutyEnded,
    Saved::SupervisionRecorded,
    Saved::SupervisionAcknowledged,
    Saved::SupervisionChanged,
    Saved::SupervisionAddendumAdded,
    Saved::GroupSessionRecorded,
    Saved::InductionTemplateSaved,
    Saved::OfficeDayRecorded,
    Saved::DeskBooked,
    Saved::DeskCancelled,
    Saved::DeskCheckedIn,
    Saved::DeskNeedsSaved,
    Saved::DeskSaved,
    Saved::TeamDayHeld,
    Saved::TeamDayReleased,
    Saved::PostAdded,
    Saved::ReplyAdded,
    Saved::PostChanged,
    Saved::NoticePinned,
    Saved::NoticeUnpinned,
    Saved::PostHidden,
    Saved::AnnouncementMade,
    Saved::OfficeDayWithdrawn,
    Saved::CourseCompleted,
    Saved::CoursePublished,
    Saved::TrainingRecorded,
    Saved::PolicyAttested,
    Saved::PolicyPublished,
    Saved::PulseAnswered,
    Saved::PulseOpened,
    Saved::PlanOpened,
    Saved::PlanReviewed,
    Saved::PlanClosed,
    Saved::InductionStarted,
    Saved::InductionTicked,
    Saved::MeetingRecorded,
    Saved::AppraisalSaved,
    Saved::LeaveAsked,
    Saved::LeaveDecided,
    Saved::LeaveCancelled,
    Saved::LeaveAdjusted,
    Saved::SicknessReported,
    Saved::SicknessChanged,
    Saved::InterviewRecorded,
    Saved::ReviewClosed,
    Saved::BandSet,
    Saved::PatternSet,
];

impl Saved {
    fn code(self) -> &'static str {
        match self {
            Saved::NoteAdded => "note-added",
            Saved::NoteChanged => "note-changed",
            Saved::AddendumAdded => "addendum-added",
            Saved::TaskAdded => "task-added",
            Saved::TaskDone => "task-done",
            Saved::HearingListed => "hearing-listed",
            Saved::FilingDateAdded => "filing-date-added",
            Saved::PersonAdded => "person-added",
            Saved::CheckSaved => "check-saved",
            Saved::StageChanged => "stage-changed",
            Saved::AllocationSaved => "allocation-saved",
            Saved::RolesChanged => "roles-changed",
            Saved::TeamChanged => "team-changed",
            Saved::LeaverRecorded => "leaver-recorded",
            Saved::MfaReset => "mfa-reset",
            Saved::TimeAwayRecorded => "time-away-recorded",
            Saved::TimeAwayCancelled => "time-away-cancelled",
            Saved::DutyRecorded => "duty-recorded",
            Saved::DutyEnded => "duty-ended",
            Saved::SupervisionRecorded => "supervision-recorded",
            Saved::SupervisionAcknowledged => "supervision-acknowledged",
            Saved::SupervisionChanged => "supervision-changed",
            Saved::SupervisionAddendumAdded => "supervision-addendum",
            Saved::GroupSessionRecorded => "group-session-recorded",
            Saved::InductionTemplateSaved => "induction-template-saved",
            Saved::OfficeDayRecorded => "office-day-recorded",
            Saved::DeskBooked => "desk-booked",
            Saved::DeskCancelled => "desk-cancelled",
            Saved::DeskCheckedIn => "desk-checked-in",
            Saved::DeskNeedsSaved => "desk-needs",
            Saved::DeskSaved => "desk-saved",
            Saved::TeamDayHeld => "team-day-held",
            Saved::TeamDayReleased => "team-day-released",
            Saved::PostAdded => "post-added",
            Saved::ReplyAdded => "reply-added",
            Saved::PostChanged => "post-changed",
            Saved::NoticePinned => "notice-pinned",
            Saved::NoticeUnpinned => "notice-unpinned",
            Saved::PostHidden => "post-hidden",
            Saved::AnnouncementMade => "announcement-made",
            Saved::OfficeDayWithdrawn => "office-day-withdrawn",
            Saved::CourseCompleted => "course-completed",
            Saved::CoursePublished => "course-published",
            Saved::TrainingRecorded => "training-recorded",
            Saved::PolicyAttested => "policy-attested",
            Saved::PolicyPublished => "policy-published",
            Saved::PulseAnswered => "pulse-answered",
            Saved::PulseOpened => "pulse-opened",
            Saved::PlanOpened => "plan-opened",
            Saved::PlanReviewed => "plan-reviewed",
            Saved::PlanClosed => "plan-closed",
            Saved::InductionStarted => "induction-started",
            Saved::InductionTicked => "induction-ticked",
            Saved::MeetingRecorded => "meeting-recorded",
            Saved::AppraisalSaved => "appraisal-saved",
            Saved::LeaveAsked => "leave-asked",
            Saved::LeaveDecided => "leave-decided",
            Saved::LeaveCancelled => "leave-cancelled",
            Saved::LeaveAdjusted => "leave-adjusted",
            Saved::SicknessReported => "sickness-reported",
            Saved::SicknessChanged => "sickness-changed",
            Saved::InterviewRecorded => "interview-recorded",
            Saved::ReviewClosed => "review-closed",
            Saved::BandSet => "band-set",
            Saved::PatternSet => "pattern-set",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Saved::NoteAdded => "Note added to the chronology",
            Saved::NoteChanged => "Note saved",
            Saved::AddendumAdded => "Addendum added beside the note",
            Saved::TaskAdded => "Task added",
            Saved::TaskDone => "Task marked as done",
            Saved::HearingListed => "Hearing listed",
            Saved::FilingDateAdded => "Filing date added",
            Saved::PersonAdded => "Person added to the case",
            Saved::CheckSaved => "Safeguarding check saved",
            Saved::StageChanged => "Stage changed",
            Saved::AllocationSaved => "Allocation saved",
            Saved::RolesChanged => "Roles changed",
            Saved::TeamChanged => "Team and line manager changed",
            Saved::LeaverRecorded => "Leaver recorded: they have been signed out everywhere",
            Saved::MfaReset => "Authenticator app reset: they will set it up again when they next sign in",
            Saved::TimeAwayRecorded => "Time away recorded",
            Saved::TimeAwayCancelled => "Time away cancelled",
            Saved::DutyRecorded => "Duty recorded",
            Saved::DutyEnded => "Duty ended",
            Saved::SupervisionRecorded => "Supervision recorded: its case decisions are in each case's chronology",
            Saved::SupervisionAcknowledged => "Supervision acknowledged",
            Saved::SupervisionChanged => "Supervision changed: each case's oversight entry now says the same",
            Saved::SupervisionAddendumAdded => "Addendum added to the supervision record",
            Saved::GroupSessionRecorded => "Group session recorded",
            Saved::InductionTemplateSaved => "Induction template saved: new plans are copied from this version",
            Saved::OfficeDayRecorded => "Recorded: you are in the office today",
            Saved::DeskBooked => "Desk booked",
            Saved::DeskCancelled => "Booking cancelled: the desk is free for someone else",
            Saved::DeskCheckedIn => "Checked in: you are in the office today",
            Saved::DeskNeedsSaved => "Your desk needs are saved",
            Saved::DeskSaved => "Floor plan saved",
            Saved::TeamDayHeld => "Desks held for your team's day",
            Saved::TeamDayReleased => "Team day released: its desks are open to everyone",
            Saved::PostAdded => "Posted: your thread is at the top of the room",
            Saved::ReplyAdded => "Reply posted",
            Saved::PostChanged => "Post changed",
            Saved::NoticePinned => "Pinned to the noticeboard",
            Saved::NoticeUnpinned => "Taken off the noticeboard",
            Saved::PostHidden => "Post hidden: its author has been told why",
            Saved::AnnouncementMade => "Announcement made: it is on everyone's home page until they read it",
            Saved::OfficeDayWithdrawn => "Taken back: you are not recorded in the office today",
            Saved::CourseCompleted => "Course completed: your training record is up to date",
            Saved::CoursePublished => "Course saved",
            Saved::TrainingRecorded => "Completed course recorded",
            Saved::PolicyAttested => "Thank you: you have confirmed you read and understood the policy",
            Saved::PolicyPublished => "New version published: everyone it applies to is asked to confirm it",
            Saved::PulseAnswered => "Thank you: your answers are added to your team's, without your name",
            Saved::PulseOpened => "Pulse survey opened: everyone is asked while it is open",
            Saved::PlanOpened => "Improvement plan opened: supervision is now every few weeks",
            Saved::PlanReviewed => "Review saved",
            Saved::PlanClosed => "Improvement plan closed",
            Saved::InductionStarted => "Induction started: their mentor buddy can see the plan",
            Saved::InductionTicked => "Induction plan updated",
            Saved::MeetingRecorded => "Team meeting recorded",
            Saved::AppraisalSaved => "Appraisal saved",
            Saved::LeaveAsked => "Leave asked for: your manager has been told",
            Saved::LeaveDecided => "Decision saved: they have been told",
            Saved::LeaveCancelled => "Leave cancelled",
            Saved::LeaveAdjusted => "Added to the leave record",
            Saved::SicknessReported => "Sickness reported: your manager has been told",
            Saved::SicknessChanged => "Sickness record updated",
            Saved::InterviewRecorded => "Return-to-work interview recorded",
            Saved::ReviewClosed => "Review closed",
            Saved::BandSet => "Pay band saved",
            Saved::PatternSet => "Working days saved",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        ALL.iter().copied().find(|s| s.code() == code)
    }
}

fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-hearth_saved" } else { "hearth_saved" }
}

/// Goes to `to` after a saved change, and has that page say what was saved.
pub fn redirect(state: &AppState, to: &str, saved: Saved) -> Response {
    let mut res = Redirect::to(to).into_response();
    let set = cookie(cookie_name(state.config.secure_cookies), saved.code(), state.config.secure_cookies, true, Some(60));
    if let Ok(v) = set.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// What the page being drawn should say was saved (a request extension, read by `PageCtx`).
#[derive(Debug, Clone, Copy)]
pub struct Shown(pub Saved);

/// Passes a saved change to the page drawn next, and clears it once a page has been drawn.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let name = cookie_name(state.config.secure_cookies);
    let saved = read_cookie(req.headers(), name).and_then(Saved::from_code);
    if let Some(s) = saved {
        req.extensions_mut().insert(Shown(s));
    }
    let mut res = next.run(req).await;
    let page = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    if saved.is_some() && page {
        let clear = cookie(name, "", state.config.secure_cookies, true, Some(0));
        if let Ok(v) = clear.parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_has_its_own_code() {
        for s in ALL {
            assert_eq!(Saved::from_code(s.code()), Some(*s));
        }
        assert_eq!(Saved::from_code("<script>"), None, "only Hearth's own codes are shown");
    }
}
