//! The one permission table: who may do what to which record.
//!
//! A grant names a role, a permission and the widest relationship to the record at which it
//! applies. Anything not granted here is denied. Every route in `hearth-web` names one
//! [`Permission`], and the authorisation-matrix test walks every route × role × relationship
//! against this table.

use serde::Serialize;

use crate::org::{Role, StaffPlacement};

/// Something a person may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Permission {
    /// Find people and teams: names, roles, teams, work email, and the org structure.
    ViewDirectory,
    /// Read a person's full staff record: contract, FTE, dates, skills, status.
    ViewStaffRecord,
    /// Add staff, move them between teams and line managers, record leavers.
    ManageStaff,
    /// Change the roles a person holds.
    ManageRoles,
    /// Clear a person's MFA so they enrol again at next sign-in.
    ResetMfa,
    /// Add and change service areas, teams and offices.
    ManageOrg,
    /// Read the audit trail.
    ViewAudit,
    /// Read a case record: its people, hearings, checks, chronology and tasks. Every read is audited.
    ViewCase,
    /// Add to or change a case record: notes, people, hearings, checks, stage, tasks.
    EditCase,
    /// Open a new case for a team.
    CreateCase,
    /// Allocate a case to a worker, or take it back to the allocation hub; close a case.
    AllocateCase,
    /// See likely duplicate person records in cases one can see, and merge them.
    MergePeople,
    /// Put a member of staff on their team's duty desk, or take them off it. Duty workers see the
    /// team's cases, to answer for colleagues who are away.
    ManageDuty,
    /// Write the court work of a case: draft, save, submit, and file (on sign-off, or on one's own
    /// earned authority). Only the case's allocated worker.
    DraftWork,
    /// Sign off a piece of court work: return it with comments, or approve it with a grade. The
    /// record is the work's author; nobody signs off their own work (a domain rule, not a scope).
    ApproveWork,
    /// See a worker's grades and their earned autonomy per work type. Colleagues never see each
    /// other's.
    ViewAutonomy,
    /// Revoke a worker's autonomy in a work type, or reset it after a long absence, with a reason.
    ManageAutonomy,
    /// Publish a new national version of a court-work template.
    ManageTemplates,
    /// Dip-sample a worker's filed work: propose, swap with a reason, audit and grade it.
    SampleWork,
    /// Moderate another manager's sampled grade: agree, or say what it should be.
    ModerateSample,
    /// See quality figures (grades by quarter, filing on time, autonomy held) for a team, a
    /// service area or the service. Figures only: never a named person's grade.
    ViewQualityInsight,
    /// See a person's workload: their weighted cases, load, band, capacity, duties and time away.
    ViewWorkload,
    /// See a team's snapshot (My People): everyone's load and band, cases, tasks, reports due,
    /// autonomy, samples and leave.
    ViewMyPeople,
    /// Record time away (leave, sickness, training) for a person, or cancel it.
    RecordAbsence,
    /// Set what takes a person's capacity besides cases (mentoring, duty, training) and their
    /// contracted case threshold.
    ManageWorkloadTerms,
    /// See the national and area figures: allocation times, unallocated work, filing, grades,
    /// workload bands, closures and durations.
    ViewInsight,
    /// Read a person's supervision records. Their case discussions are for the worker and their
    /// line chain; HR reads the rest (wellbeing, development), never case content.
    ViewSupervision,
    /// Record a supervision of someone they line-manage, writing its case decisions into the
    /// cases discussed.
    RecordSupervision,
    /// Acknowledge one's own supervision record, with a comment if they wish.
    AcknowledgeSupervision,
    /// See a person's training: where they stand on each mandatory course, what they have done,
    /// and the policies they have and have not confirmed.
    ViewTraining,
    /// Record a course someone completed elsewhere (a classroom day, an external course), with
    /// its date. Everyone records their own e-learning by finishing the module.
    RecordTraining,
    /// Write and change the training modules, and say which roles must do them and how often.
    ManageTraining,
    /// Publish a new version of a national policy, which everyone it applies to must confirm.
    ManagePolicies,
    /// See the wellbeing pulse's results: counts only, for groups of five or more.
    ViewPulse,
    /// Open a wellbeing pulse survey for a window.
    ManagePulse,
    /// Read a person's improvement plans: the worker, their line chain and HR.
    ViewImprovementPlan,
    /// Open, review and close an improvement plan: the line chain, with HR.
    ManageImprovementPlan,
    /// See a new starter's induction plan: the starter, their mentor buddy, their managers, HR.
    ViewInduction,
    /// Start a new starter's induction with a mentor buddy.
    StartInduction,
    /// Tick a step of an induction done: the starter, their mentor buddy or their line chain.
    TickInduction,
    /// See a team's meetings: who came and the actions agreed.
    ViewTeamMeetings,
    /// Record a team meeting.
    RecordTeamMeeting,
    /// Read a team's group supervision and reflective practice sessions.
    ViewGroupSessions,
    /// Lead and record a group session with several of a team's workers.
    RecordGroupSession,
    /// Edit the national induction template new starters' plans are copied from.
    ManageInductionTemplate,
    /// Draw offices' floor plans: add desks, say what they offer, withdraw them.
    ManageFloorPlans,
    /// See how offices' desks are used: utilisation by day and weekday, no-shows, time in the office.
    ViewDeskFigures,
    /// Hold a block of desks at the team's office for its team day, and release the hold.
    HoldTeamDay,
    /// Read a room: its noticeboard, threads and replies.
    ViewRoom,
    /// Start a thread, reply and react in a room: its members.
    PostInRoom,
    /// Pin a notice to a team room's noticeboard and hide a post there, with a reason: those who
    /// lead the team.
    ModerateRoom,
    /// The same in a service area's room or the whole service's: leaders of that area or nationally.
    ModerateWideRoom,
    /// Post a national announcement, shown on everyone's home page until read.
    Announce,
    /// Read a person's appraisals: the worker, their line chain and HR.
    ViewAppraisal,
    /// Set objectives, review mid-year and rate the year: the line chain.
    ManageAppraisal,
    /// Write one's own self-assessment.
    WriteSelfAssessment,
    /// See a person's leave: their balance, its ledger and their requests.
    ViewLeave,
    /// Ask for leave, or cancel it before it starts: one's own, or for someone one manages.
    RequestLeave,
    /// Approve or refuse leave: the line chain (the manager above deputises when the line manager
    /// is away). Nobody decides their own.
    ApproveLeave,
    /// Add leave bought, sold, time off in lieu or an adjustment to a person's ledger, and set
    /// the days they work.
    AdjustLeave,
    /// See a team's leave calendar: who is away on which days.
    ViewTeamLeave,
    /// Read a person's sickness: episodes, reasons, interviews, reviews and their Bradford factor.
    /// The person, their line chain and HR; never the team.
    ViewSickness,
    /// Report sickness, change the expected return and record the return: one's own, or for
    /// someone one manages.
    ReportSickness,
    /// Hold return-to-work interviews and close sickness reviews: the line chain and HR.
    ManageSickness,
    /// See and set a person's pay band, and what their sickness cost: HR.
    ManagePay,
    /// See sickness figures (cost and days lost per FTE) for a team, an area or the service.
    ViewSicknessFigures,
    /// See a person's expense claims and their receipts: the person, their line chain, HR and
    /// finance.
    ViewExpenses,
    /// Make, change and submit an expense claim: one's own only, since a claim says the claimant
    /// spent it.
    ClaimExpenses,
    /// Approve or refuse a submitted claim: the line chain (a claim over the approval limit needs
    /// a service manager). Nobody decides their own.
    ApproveExpenses,
    /// Export approved claims to payroll, month by month: HR and finance.
    ExportPayroll,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::ViewDirectory,
        Permission::ViewStaffRecord,
        Permission::ManageStaff,
        Permission::ManageRoles,
        Permission::ResetMfa,
        Permission::ManageOrg,
        Permission::ViewAudit,
        Permission::ViewCase,
        Permission::EditCase,
        Permission::CreateCase,
        Permission::AllocateCase,
        Permission::MergePeople,
        Permission::ManageDuty,
        Permission::DraftWork,
        Permission::ApproveWork,
        Permission::ViewAutonomy,
        Permission::ManageAutonomy,
        Permission::ManageTemplates,
        Permission::SampleWork,
        Permission::ModerateSample,
        Permission::ViewQualityInsight,
        Permission::ViewWorkload,
        Permission::ViewMyPeople,
        Permission::RecordAbsence,
        Permission::ManageWorkloadTerms,
        Permission::ViewInsight,
        Permission::ViewSupervision,
        Permission::RecordSupervision,
        Permission::AcknowledgeSupervision,
        Permission::ViewTraining,
        Permission::RecordTraining,
        Permission::ManageTraining,
        Permission::ManagePolicies,
        Permission::ViewPulse,
        Permission::ManagePulse,
        Permission::ViewImprovementPlan,
        Permission::ManageImprovementPlan,
        Permission::ViewInduction,
        Permission::StartInduction,
        Permission::TickInduction,
        Permission::ViewTeamMeetings,
        Permission::RecordTeamMeeting,
        Permission::ViewGroupSessions,
        Permission::RecordGroupSession,
        Permission::ManageInductionTemplate,
        Permission::ManageFloorPlans,
        Permission::ViewDeskFigures,
        Permission::HoldTeamDay,
        Permission::ViewRoom,
        Permission::PostInRoom,
        Permission::ModerateRoom,
        Permission::ModerateWideRoom,
        Permission::Announce,
        Permission::ViewAppraisal,
        Permission::ManageAppraisal,
        Permission::WriteSelfAssessment,
        Permission::ViewLeave,
        Permission::RequestLeave,
        Permission::ApproveLeave,
        Permission::AdjustLeave,
        Permission::ViewTeamLeave,
        Permission::ViewSickness,
        Permission::ReportSickness,
        Permission::ManageSickness,
        Permission::ManagePay,
        Permission::ViewSicknessFigures,
        Permission::ViewExpenses,
        Permission::ClaimExpenses,
        Permission::ApproveExpenses,
        Permission::ExportPayroll,
    ];
}

/// How the record relates to the person acting on it. Wider scopes include narrower records only
/// when the facts say so: a grant at `Team` covers any record in the actor's team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Scope {
    /// The record is the actor's own.
    Own,
    /// The actor is somewhere above the record's person in the line-management chain.
    LineChain,
    /// On duty for the record's team (case records only: duty never reaches a staff record).
    Duty,
    /// The record's person is a new starter the actor is mentor buddy to (staff records only).
    Mentor,
    /// Same team.
    Team,
    /// Same service area.
    Area,
    /// Anywhere in the service.
    National,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[Scope::Own, Scope::LineChain, Scope::Duty, Scope::Mentor, Scope::Team, Scope::Area, Scope::National];
}

use Permission as P;
use Role as R;
use Scope as S;

/// The table. Read it row by row: "a team manager may view the staff record of themselves, of
/// anyone they line-manage (directly or through others) and of anyone in their team".
const TABLE: &[(Permission, &[(Role, &[Scope])])] = &[
    (
        P::ViewDirectory,
        &[
            (R::Practitioner, &[S::National]),
            (R::TeamManager, &[S::National]),
            (R::ServiceManager, &[S::National]),
            (R::BusinessSupport, &[S::National]),
            (R::Finance, &[S::National]),
            (R::Hr, &[S::National]),
            (R::NationalLeadership, &[S::National]),
            (R::SystemAdmin, &[S::National]),
        ],
    ),
    (
        P::ViewStaffRecord,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain, S::Team]),
            (R::ServiceManager, &[S::Own, S::LineChain, S::Area]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
            (R::NationalLeadership, &[S::National]),
            (R::SystemAdmin, &[S::National]),
        ],
    ),
    (P::ManageStaff, &[(R::Hr, &[S::National]), (R::SystemAdmin, &[S::National])]),
    (P::ManageRoles, &[(R::SystemAdmin, &[S::National])]),
    (P::ResetMfa, &[(R::SystemAdmin, &[S::National])]),
    (P::ManageOrg, &[(R::SystemAdmin, &[S::National])]),
    (P::ViewAudit, &[(R::SystemAdmin, &[S::National])]),
    // Case records. "Own" is the allocated worker (and, on a restricted case, its named staff);
    // "line chain" the managers above them; "duty" the team's duty workers; "team" and "area" the
    // case's team and its service area. National leaders read any case; HR and system
    // administrators see figures, never case records.
    (
        P::ViewCase,
        &[
            (R::Practitioner, &[S::Own, S::Duty]),
            (R::TeamManager, &[S::Own, S::LineChain, S::Team]),
            (R::ServiceManager, &[S::Own, S::LineChain, S::Area]),
            (R::BusinessSupport, &[S::Area]),
            (R::NationalLeadership, &[S::National]),
        ],
    ),
    (
        P::EditCase,
        &[
            (R::Practitioner, &[S::Own, S::Duty]),
            (R::TeamManager, &[S::Own, S::LineChain, S::Team]),
            (R::ServiceManager, &[S::Own, S::LineChain, S::Area]),
            (R::BusinessSupport, &[S::Area]),
        ],
    ),
    (
        P::CreateCase,
        &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::BusinessSupport, &[S::Area])],
    ),
    (P::AllocateCase, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area])]),
    (P::MergePeople, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area])]),
    (P::ManageDuty, &[(R::TeamManager, &[S::LineChain, S::Team]), (R::ServiceManager, &[S::Area])]),
    // Court work. Drafting belongs to the case's allocated worker, whatever their role. Sign-off
    // is by the author's line managers, or another manager of the author's team covering for them.
    (P::DraftWork, &[(R::Practitioner, &[S::Own]), (R::TeamManager, &[S::Own]), (R::ServiceManager, &[S::Own])]),
    (P::ApproveWork, &[(R::TeamManager, &[S::LineChain, S::Team]), (R::ServiceManager, &[S::LineChain])]),
    // Grades are personal: the worker and the managers above them, nobody else.
    (
        P::ViewAutonomy,
        &[(R::Practitioner, &[S::Own]), (R::TeamManager, &[S::Own, S::LineChain]), (R::ServiceManager, &[S::Own, S::LineChain])],
    ),
    (P::ManageAutonomy, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain])]),
    (P::ManageTemplates, &[(R::SystemAdmin, &[S::National])]),
    // Dip samples are done by managers in the worker's management chain; a second manager in the
    // same service area moderates.
    (P::SampleWork, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain])]),
    (P::ModerateSample, &[(R::TeamManager, &[S::LineChain, S::Area]), (R::ServiceManager, &[S::LineChain, S::Area])]),
    (P::ViewQualityInsight, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::NationalLeadership, &[S::National])]),
    (
        P::ViewWorkload,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain, S::Team]),
            (R::ServiceManager, &[S::Own, S::LineChain, S::Area]),
            (R::NationalLeadership, &[S::National]),
        ],
    ),
    (P::ViewMyPeople, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::NationalLeadership, &[S::National])]),
    (
        P::RecordAbsence,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain, S::Team]),
            (R::ServiceManager, &[S::Own, S::LineChain, S::Area]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
        ],
    ),
    (P::ManageWorkloadTerms, &[(R::TeamManager, &[S::LineChain, S::Team]), (R::ServiceManager, &[S::Area]), (R::Hr, &[S::National])]),
    (P::ViewInsight, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::NationalLeadership, &[S::National])]),
    // Supervision is between a person and their line chain; HR may read it, the team may not.
    (
        P::ViewSupervision,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
        ],
    ),
    (P::RecordSupervision, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain])]),
    (
        P::AcknowledgeSupervision,
        &[(R::Practitioner, &[S::Own]), (R::TeamManager, &[S::Own]), (R::ServiceManager, &[S::Own]), (R::BusinessSupport, &[S::Own]), (R::Finance, &[S::Own])],
    ),
    // Training is a person's own record: their managers and HR see it, and the team's
    // compliance is on My People. National leaders see the figures, not the people.
    (
        P::ViewTraining,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain, S::Team]),
            (R::ServiceManager, &[S::Own, S::LineChain, S::Area]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
            (R::NationalLeadership, &[S::Own]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (P::RecordTraining, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::Hr, &[S::National])]),
    (P::ManageTraining, &[(R::Hr, &[S::National]), (R::SystemAdmin, &[S::National])]),
    (P::ManagePolicies, &[(R::NationalLeadership, &[S::National]), (R::SystemAdmin, &[S::National])]),
    // The pulse's results are groups of five or more, never a person: managers, HR and national
    // leaders see the whole service's.
    (
        P::ViewPulse,
        &[(R::TeamManager, &[S::National]), (R::ServiceManager, &[S::National]), (R::Hr, &[S::National]), (R::NationalLeadership, &[S::National])],
    ),
    (P::ManagePulse, &[(R::NationalLeadership, &[S::National])]),
    // Capability is between a worker, their line chain and HR: never the team, never national
    // leaders.
    (
        P::ViewImprovementPlan,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
        ],
    ),
    (P::ManageImprovementPlan, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::Hr, &[S::National])]),
    // Induction: the starter, the mentor buddy named on it, their managers and HR.
    (
        P::ViewInduction,
        &[
            (R::Practitioner, &[S::Own, S::Mentor]),
            (R::TeamManager, &[S::Own, S::Mentor, S::LineChain, S::Team]),
            (R::ServiceManager, &[S::Own, S::Mentor, S::LineChain, S::Area]),
            (R::BusinessSupport, &[S::Own, S::Mentor]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
        ],
    ),
    (P::StartInduction, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::Hr, &[S::National])]),
    (
        P::TickInduction,
        &[
            (R::Practitioner, &[S::Own, S::Mentor]),
            (R::TeamManager, &[S::Own, S::Mentor, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::Mentor, S::LineChain]),
            (R::BusinessSupport, &[S::Own, S::Mentor]),
            (R::Finance, &[S::Own]),
        ],
    ),
    // A team's meetings are the team's: its members, its managers, the area's service managers.
    (
        P::ViewTeamMeetings,
        &[(R::Practitioner, &[S::Team]), (R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::BusinessSupport, &[S::Team]), (R::NationalLeadership, &[S::National])],
    ),
    (P::RecordTeamMeeting, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::BusinessSupport, &[S::Team])]),
    // Group sessions are the team's learning: its workers and managers read them, as they read
    // its meetings; managers lead them. Not business support, not national leaders.
    (P::ViewGroupSessions, &[(R::Practitioner, &[S::Team]), (R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area])]),
    (P::RecordGroupSession, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area])]),
    (P::ManageInductionTemplate, &[(R::Hr, &[S::National]), (R::SystemAdmin, &[S::National])]),
    // Floor plans are reference data, kept by national administrators; how desks are used is
    // counts, never a person, read by those who plan the estate.
    (P::ManageFloorPlans, &[(R::SystemAdmin, &[S::National])]),
    // A team day is the team's: those who arrange its meetings hold desks for it.
    (P::HoldTeamDay, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::BusinessSupport, &[S::Team])]),
    // Team rooms (`teamrooms::standing`): a room's members stand at Team; the rest of a team
    // room's service area at Area. Members read and post; service and national leaders read.
    (
        P::ViewRoom,
        &[
            (R::Practitioner, &[S::Team]),
            (R::TeamManager, &[S::Team]),
            (R::ServiceManager, &[S::Team, S::Area]),
            (R::BusinessSupport, &[S::Team]),
            (R::Hr, &[S::Team]),
            (R::Finance, &[S::Team]),
            (R::NationalLeadership, &[S::National]),
            (R::SystemAdmin, &[S::Team]),
        ],
    ),
    (
        P::PostInRoom,
        &[
            (R::Practitioner, &[S::Team]),
            (R::TeamManager, &[S::Team]),
            (R::ServiceManager, &[S::Team]),
            (R::BusinessSupport, &[S::Team]),
            (R::Hr, &[S::Team]),
            (R::Finance, &[S::Team]),
            (R::NationalLeadership, &[S::Team]),
            (R::SystemAdmin, &[S::Team]),
        ],
    ),
    (P::ModerateRoom, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::NationalLeadership, &[S::National])]),
    // The whole service's room stands at Team but not Area to everyone, so only national
    // leadership moderates it.
    (P::ModerateWideRoom, &[(R::ServiceManager, &[S::Area]), (R::NationalLeadership, &[S::National])]),
    (P::Announce, &[(R::NationalLeadership, &[S::National])]),
    (
        P::ViewDeskFigures,
        &[(R::ServiceManager, &[S::National]), (R::Hr, &[S::National]), (R::NationalLeadership, &[S::National]), (R::SystemAdmin, &[S::National])],
    ),
    // Appraisal is between a person and their line chain; HR reads it.
    (
        P::ViewAppraisal,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
            (R::NationalLeadership, &[S::Own]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (P::ManageAppraisal, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::NationalLeadership, &[S::LineChain])]),
    (
        P::WriteSelfAssessment,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own]),
            (R::ServiceManager, &[S::Own]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::Own]),
            (R::NationalLeadership, &[S::Own]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    // Leave is a person's own, their line chain's to decide and HR's to keep right. The team
    // sees who is away on its calendar, never anyone's balance.
    (
        P::ViewLeave,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
            (R::NationalLeadership, &[S::Own, S::LineChain]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (
        P::RequestLeave,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::Own]),
            (R::NationalLeadership, &[S::Own, S::LineChain]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (P::ApproveLeave, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::NationalLeadership, &[S::LineChain])]),
    (P::AdjustLeave, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::Hr, &[S::National])]),
    // Sickness is the person's, their line chain's and HR's: reasons never reach the team.
    (
        P::ViewSickness,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
            (R::NationalLeadership, &[S::Own, S::LineChain]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (
        P::ReportSickness,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::Hr, &[S::National]),
            (R::NationalLeadership, &[S::Own, S::LineChain]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (P::ManageSickness, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::Hr, &[S::National]), (R::NationalLeadership, &[S::LineChain])]),
    (P::ManagePay, &[(R::Hr, &[S::National])]),
    (P::ViewSicknessFigures, &[(R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::Hr, &[S::National]), (R::NationalLeadership, &[S::National])]),
    // Expenses are the claimant's to make, their line chain's to approve, and HR's and finance's
    // to pay; finance sees nothing else of anyone.
    (
        P::ViewExpenses,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own, S::LineChain]),
            (R::ServiceManager, &[S::Own, S::LineChain]),
            (R::BusinessSupport, &[S::Own]),
            (R::Hr, &[S::National]),
            (R::Finance, &[S::National]),
            (R::NationalLeadership, &[S::Own, S::LineChain]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (
        P::ClaimExpenses,
        &[
            (R::Practitioner, &[S::Own]),
            (R::TeamManager, &[S::Own]),
            (R::ServiceManager, &[S::Own]),
            (R::BusinessSupport, &[S::Own]),
            (R::Hr, &[S::Own]),
            (R::Finance, &[S::Own]),
            (R::NationalLeadership, &[S::Own]),
            (R::SystemAdmin, &[S::Own]),
        ],
    ),
    (P::ApproveExpenses, &[(R::TeamManager, &[S::LineChain]), (R::ServiceManager, &[S::LineChain]), (R::NationalLeadership, &[S::LineChain])]),
    (P::ExportPayroll, &[(R::Hr, &[S::National]), (R::Finance, &[S::National])]),
    (
        P::ViewTeamLeave,
        &[(R::Practitioner, &[S::Team]), (R::TeamManager, &[S::Team]), (R::ServiceManager, &[S::Area]), (R::BusinessSupport, &[S::Team]), (R::Hr, &[S::National]), (R::NationalLeadership, &[S::National])],
    ),
];

/// Which scopes hold between an actor and a record. `National` always holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Relationships {
    pub own: bool,
    pub line_chain: bool,
    pub duty: bool,
    /// Mentor buddy to the record's person: the web layer sets it from the person's induction
    /// when a permission grants anything to mentors.
    pub mentor: bool,
    pub team: bool,
    pub area: bool,
    /// A restricted case the actor is not named on: no scope holds, not even a national one.
    pub shut_out: bool,
}

impl Relationships {
    pub fn holds(&self, scope: Scope) -> bool {
        match scope {
            _ if self.shut_out => false,
            Scope::Own => self.own,
            Scope::LineChain => self.line_chain,
            Scope::Duty => self.duty,
            Scope::Mentor => self.mentor,
            Scope::Team => self.team,
            Scope::Area => self.area,
            Scope::National => true,
        }
    }

    /// The relationships between a member of staff acting and the member of staff whose record it is.
    pub fn between(actor: &StaffPlacement, subject: &StaffPlacement) -> Self {
        let same = |a: Option<uuid::Uuid>, b: Option<uuid::Uuid>| a.is_some() && a == b;
        Self {
            own: actor.id == subject.id,
            line_chain: subject.managers.contains(&actor.id),
            duty: false,
            mentor: false,
            team: same(actor.team_id, subject.team_id),
            area: same(actor.service_area_id, subject.service_area_id),
            shut_out: false,
        }
    }
}

/// The facts about a case that access decisions need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePlacement {
    pub allocated_to: Option<uuid::Uuid>,
    /// The line managers above the allocated worker, nearest first.
    pub allocated_managers: Vec<uuid::Uuid>,
    pub team_id: uuid::Uuid,
    pub service_area_id: uuid::Uuid,
    /// A restricted case (a colleague's family, a public figure) is seen only by its allocated
    /// worker and the staff named on it.
    pub restricted: bool,
    /// The staff named on a restricted case.
    pub named_staff: Vec<uuid::Uuid>,
}

impl Relationships {
    /// The relationships between a member of staff and a case.
    pub fn to_case(actor: &StaffPlacement, case: &CasePlacement) -> Self {
        let named = case.allocated_to == Some(actor.id) || (case.restricted && case.named_staff.contains(&actor.id));
        let team = actor.team_id == Some(case.team_id);
        Self {
            own: named,
            line_chain: case.allocated_managers.contains(&actor.id),
            duty: team && actor.on_duty,
            mentor: false,
            team,
            area: actor.service_area_id == Some(case.service_area_id),
            shut_out: case.restricted && !named,
        }
    }

    /// The relationships between a member of staff and a team, for opening a case in it.
    pub fn to_team(actor: &StaffPlacement, team_id: uuid::Uuid, service_area_id: uuid::Uuid) -> Self {
        Self {
            own: false,
            line_chain: false,
            duty: false,
            mentor: false,
            team: actor.team_id == Some(team_id),
            area: actor.service_area_id == Some(service_area_id),
            shut_out: false,
        }
    }
}

/// May someone holding `roles` do `permission` to a record they stand in `rel` to?
pub fn permits(roles: &[Role], permission: Permission, rel: &Relationships) -> bool {
    grants(permission).any(|(role, scopes)| roles.contains(&role) && scopes.iter().any(|s| rel.holds(*s)))
}

/// May someone holding `roles` do `permission` to at least some record? Routes that act on no
/// single record (lists, create forms) are checked this way; lists then show only what `permits`.
pub fn permits_somewhere(roles: &[Role], permission: Permission) -> bool {
    grants(permission).any(|(role, scopes)| roles.contains(&role) && !scopes.is_empty())
}

/// Does any role's grant of `permission` reach mentors? Then the mentor fact is worth reading.
pub fn reaches_mentors(permission: Permission) -> bool {
    grants(permission).any(|(_, scopes)| scopes.contains(&Scope::Mentor))
}

/// Does the grant reach every record in the service, so a list needs no filtering?
pub fn permits_nationally(roles: &[Role], permission: Permission) -> bool {
    grants(permission).any(|(role, scopes)| roles.contains(&role) && scopes.contains(&Scope::National))
}

/// Break-glass: someone who may view case records somewhere, but has no standing grant on this
/// case, may open it for a stated reason. It gives reading only, never changing, and never on a
/// restricted case, which only its named staff see.
pub fn may_break_glass(roles: &[Role], permission: Permission, restricted: bool) -> bool {
    permission == Permission::ViewCase && !restricted && permits_somewhere(roles, Permission::ViewCase)
}

/// How long a break-glass grant lasts: a working day.
pub const BREAK_GLASS_HOURS: i64 = 8;

/// Every scope at which `roles` hold `permission`, for building the filter of a list.
pub fn scopes_for(roles: &[Role], permission: Permission) -> Vec<Scope> {
    let mut out: Vec<Scope> = grants(permission).filter(|(role, _)| roles.contains(role)).flat_map(|(_, s)| s.iter().copied()).collect();
    out.dedup();
    out
}

fn grants(permission: Permission) -> impl Iterator<Item = (Role, &'static [Scope])> {
    TABLE.iter().filter(move |(p, _)| *p == permission).flat_map(|(_, g)| g.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(scope: Scope) -> Relationships {
        let mut r = Relationships::default();
        match scope {
            Scope::Own => r.own = true,
            Scope::LineChain => r.line_chain = true,
            Scope::Duty => r.duty = true,
            Scope::Mentor => r.mentor = true,
            Scope::Team => r.team = true,
            Scope::Area => r.area = true,
            Scope::National => {}
        }
        r
    }

    #[test]
    fn every_permission_has_exactly_one_row() {
        for p in Permission::ALL {
            assert_eq!(TABLE.iter().filter(|(q, _)| q == p).count(), 1, "{p:?}");
        }
    }

    #[test]
    fn deny_is_the_default() {
        assert!(!permits(&[], Permission::ViewDirectory, &only(Scope::Own)));
        assert!(!permits(&[Role::Practitioner], Permission::ViewAudit, &only(Scope::Own)));
        assert!(!permits_somewhere(&[Role::Practitioner, Role::TeamManager], Permission::ManageStaff));
    }

    #[test]
    fn a_team_manager_sees_their_team_and_chain_but_not_the_area() {
        let tm = [Role::TeamManager];
        assert!(permits(&tm, Permission::ViewStaffRecord, &only(Scope::Own)));
        assert!(permits(&tm, Permission::ViewStaffRecord, &only(Scope::LineChain)));
        assert!(permits(&tm, Permission::ViewStaffRecord, &only(Scope::Team)));
        assert!(!permits(&tm, Permission::ViewStaffRecord, &only(Scope::Area)));
        assert!(!permits(&tm, Permission::ViewStaffRecord, &only(Scope::National)));
    }

    #[test]
    fn team_cases_are_seen_by_duty_workers_and_restricted_ones_only_by_named_staff() {
        let (worker, manager, colleague, named) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2), uuid::Uuid::from_u128(3), uuid::Uuid::from_u128(4));
        let (team, area) = (uuid::Uuid::from_u128(10), uuid::Uuid::from_u128(20));
        let mut case = CasePlacement {
            allocated_to: Some(worker),
            allocated_managers: vec![manager],
            team_id: team,
            service_area_id: area,
            restricted: false,
            named_staff: vec![named],
        };
        let at = |id, on_duty| StaffPlacement { id, team_id: Some(team), service_area_id: Some(area), managers: vec![], on_duty };
        let (p, tm, leader) = ([Role::Practitioner], [Role::TeamManager], [Role::NationalLeadership]);
        let sees = |roles: &[Role], who: &StaffPlacement, case: &CasePlacement| permits(roles, Permission::ViewCase, &Relationships::to_case(who, case));
        assert!(!sees(&p, &at(colleague, false), &case), "a colleague off duty does not see the team's cases");
        assert!(sees(&p, &at(colleague, true), &case), "the duty worker does");
        assert!(!sees(&p, &at(named, false), &case), "naming matters only on a restricted case");
        assert!(sees(&tm, &at(manager, false), &case) && sees(&leader, &at(colleague, false), &case));
        case.restricted = true;
        assert!(!sees(&p, &at(colleague, true), &case));
        assert!(!sees(&tm, &at(manager, false), &case), "not even the worker's manager, unless named");
        assert!(!sees(&leader, &at(colleague, false), &case), "nor a national role");
        assert!(sees(&p, &at(named, false), &case));
        assert!(permits(&p, Permission::EditCase, &Relationships::to_case(&at(worker, false), &case)));
    }

    #[test]
    fn break_glass_reads_only_and_never_a_restricted_case() {
        let p = [Role::Practitioner];
        assert!(may_break_glass(&p, Permission::ViewCase, false));
        assert!(!may_break_glass(&p, Permission::EditCase, false));
        assert!(!may_break_glass(&p, Permission::ViewCase, true));
        assert!(!may_break_glass(&[Role::Hr], Permission::ViewCase, false), "HR hold no case grant anywhere");
    }

    #[test]
    fn roles_combine() {
        let both = [Role::Practitioner, Role::Hr];
        assert!(permits(&both, Permission::ViewStaffRecord, &only(Scope::National)));
        assert!(permits_nationally(&both, Permission::ManageStaff));
    }

    #[test]
    fn relationships_come_from_placement() {
        let a = uuid::Uuid::from_u128(1);
        let m = uuid::Uuid::from_u128(2);
        let t = Some(uuid::Uuid::from_u128(10));
        let area = Some(uuid::Uuid::from_u128(20));
        let actor = StaffPlacement { id: m, team_id: t, service_area_id: area, managers: vec![], on_duty: true };
        let subject = StaffPlacement { id: a, team_id: t, service_area_id: area, managers: vec![m], on_duty: false };
        let r = Relationships::between(&actor, &subject);
        assert!(!r.own && r.line_chain && r.team && r.area && !r.duty, "duty never reaches a staff record");
        let unplaced = StaffPlacement { id: a, team_id: None, service_area_id: None, managers: vec![], on_duty: false };
        let none = StaffPlacement { id: m, team_id: None, service_area_id: None, managers: vec![], on_duty: false };
        assert_eq!(Relationships::between(&none, &unplaced), Relationships::default(), "no team is not the same team");
    }
}
