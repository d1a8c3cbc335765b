//! Every route Hearth serves, with the access it needs. The router is built from this list and the
//! authorisation-matrix test walks it, so a route cannot exist without a declared permission.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, patch, post};
use hearth_domain::access::{Permission, permits_somewhere};

use crate::session::{Auth, ReadNote};
use crate::{AppError, AppState, api, audit, auth, cases, courtwork, home, insight, ops, org, people, quality, teamrooms, workload, workplace};

/// What a route requires of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: sign-in pages, health checks, the API description.
    Public,
    /// A correct password but MFA not yet done: the MFA pages only.
    PasswordOnly,
    /// Fully signed in (password and MFA, or an API token), acting only on their own account.
    SignedIn,
    /// Fully signed in and granted this permission by the table. `Target` says what record, if
    /// any, the path's `{id}` names; the handler checks the record-level grant.
    Permission(Permission, Target),
}

/// The record a route acts on, for record-level checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// No single record: lists, forms to create, org pages.
    Collection,
    /// `{id}` is a member of staff.
    Staff,
    /// `{id}` is a case.
    Case,
    /// `{id}` is a piece of court work: the check is on its case, or for sign-off on its author.
    Work,
}

pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
    /// Uploads take files; everything else is a form or JSON and is kept small.
    uploads: bool,
}

/// The largest body a route that takes no files accepts.
pub const FORM_BODY_LIMIT: usize = 2 * 1024 * 1024;

impl Route {
    pub(crate) fn into_method_router(self, state: &AppState) -> MethodRouter<AppState> {
        // Uploads get room for the largest file plus the form around it, so a file just over the
        // limit is answered on the form ("must be 20 MB or smaller") rather than cut off.
        let limit = if self.uploads { state.config.max_upload_bytes as usize + 2 * 1024 * 1024 } else { FORM_BODY_LIMIT };
        self.handler
            .route_layer(from_fn_with_state((state.clone(), self.access), enforce))
            .layer::<_, std::convert::Infallible>(tower_http::limit::RequestBodyLimitLayer::new(limit))
            .layer(axum::extract::DefaultBodyLimit::disable())
    }

    fn uploads(mut self) -> Self {
        self.uploads = true;
        self
    }
}

fn route(method: Method, path: &'static str, access: Access, handler: MethodRouter<AppState>) -> Route {
    Route { method, path, access, handler, uploads: false }
}

use Access::{PasswordOnly, Public, SignedIn};
use Permission as P;
use Target::{Case, Collection, Staff, Work};

fn perm(p: Permission, t: Target) -> Access {
    Access::Permission(p, t)
}

/// The route table.
pub fn all() -> Vec<Route> {
    vec![
        // Operations
        route(Method::GET, "/healthz", Public, get(ops::healthz)),
        route(Method::GET, "/readyz", Public, get(ops::readyz)),
        route(Method::GET, "/metrics", Public, get(ops::metrics)),
        // Sign-in
        route(Method::GET, "/sign-in", Public, get(auth::sign_in_form)),
        route(Method::POST, "/sign-in", Public, post(auth::sign_in)),
        route(Method::GET, "/invitation", Public, get(auth::invitation_form)),
        route(Method::POST, "/invitation", Public, post(auth::accept_invitation)),
        route(Method::GET, "/mfa", PasswordOnly, get(auth::mfa_form)),
        route(Method::POST, "/mfa", PasswordOnly, post(auth::mfa)),
        route(Method::GET, "/mfa/enrol", PasswordOnly, get(auth::enrol_form)),
        route(Method::POST, "/mfa/enrol", PasswordOnly, post(auth::enrol)),
        route(Method::POST, "/sign-out", PasswordOnly, post(auth::sign_out)),
        route(Method::GET, "/account", SignedIn, get(auth::account)),
        route(Method::POST, "/account/sign-out-everywhere", SignedIn, post(auth::sign_out_everywhere)),
        // Home
        route(Method::GET, "/", SignedIn, get(home::home)),
        // Organisation
        route(Method::GET, "/staff", perm(P::ViewDirectory, Collection), get(org::pages::directory)),
        route(Method::GET, "/staff/{id}", perm(P::ViewStaffRecord, Staff), get(org::pages::record)),
        route(Method::GET, "/staff/{id}/card", perm(P::ViewDirectory, Staff), get(org::pages::card)),
        route(Method::GET, "/org", perm(P::ViewDirectory, Collection), get(org::pages::structure)),
        route(Method::GET, "/org/areas/{id}", perm(P::ViewDirectory, Collection), get(org::pages::area)),
        route(Method::GET, "/org/teams/{id}", perm(P::ViewDirectory, Collection), get(org::pages::team)),
        route(Method::GET, "/org/offices", perm(P::ViewDirectory, Collection), get(org::pages::offices)),
        route(Method::GET, "/org/courts", perm(P::ViewDirectory, Collection), get(org::pages::courts)),
        // Staff administration
        route(Method::GET, "/admin/staff/new", perm(P::ManageStaff, Collection), get(org::admin::new_form)),
        route(Method::POST, "/admin/staff/new", perm(P::ManageStaff, Collection), post(org::admin::create)),
        route(Method::POST, "/admin/staff/{id}/invitation", perm(P::ManageStaff, Staff), post(org::admin::invite)),
        route(Method::GET, "/admin/staff/{id}/roles", perm(P::ManageRoles, Staff), get(org::admin::roles_form)),
        route(Method::POST, "/admin/staff/{id}/roles", perm(P::ManageRoles, Staff), post(org::admin::set_roles)),
        route(Method::GET, "/admin/staff/{id}/move", perm(P::ManageStaff, Staff), get(org::admin::move_form)),
        route(Method::POST, "/admin/staff/{id}/move", perm(P::ManageStaff, Staff), post(org::admin::move_staff)),
        route(Method::GET, "/admin/staff/{id}/leaver", perm(P::ManageStaff, Staff), get(org::admin::leaver_form)),
        route(Method::POST, "/admin/staff/{id}/leaver", perm(P::ManageStaff, Staff), post(org::admin::record_leaver)),
        route(Method::GET, "/admin/staff/{id}/mfa-reset", perm(P::ResetMfa, Staff), get(org::admin::mfa_reset_form)),
        route(Method::POST, "/admin/staff/{id}/mfa-reset", perm(P::ResetMfa, Staff), post(org::admin::reset_mfa)),
        // Cases
        route(Method::GET, "/cases", perm(P::ViewCase, Collection), get(cases::pages::list)),
        route(Method::GET, "/cases/hub", perm(P::AllocateCase, Collection), get(cases::pages::hub)),
        route(Method::GET, "/cases/new", perm(P::CreateCase, Collection), get(cases::forms::new_case_form)),
        route(Method::POST, "/cases/new", perm(P::CreateCase, Collection), post(cases::forms::create_case)),
        route(Method::GET, "/cases/{id}", perm(P::ViewCase, Case), get(cases::pages::show)),
        // Break-glass names a case but needs no standing grant on it: the handler checks who may.
        route(Method::GET, "/cases/{id}/break-glass", perm(P::ViewCase, Collection), get(cases::forms::break_glass_form)),
        route(Method::POST, "/cases/{id}/break-glass", perm(P::ViewCase, Collection), post(cases::forms::break_glass)),
        route(Method::POST, "/alerts/{id}/dismiss", SignedIn, post(cases::forms::dismiss_alert)),
        route(Method::GET, "/cases/{id}/chronology", perm(P::ViewCase, Case), get(cases::pages::chronology)),
        route(Method::GET, "/cases/{id}/notes/new", perm(P::EditCase, Case), get(cases::forms::new_note_form)),
        route(Method::POST, "/cases/{id}/notes/new", perm(P::EditCase, Case), post(cases::forms::add_note)),
        route(Method::GET, "/cases/{id}/notes/{entry}/edit", perm(P::EditCase, Case), get(cases::forms::edit_note_form)),
        route(Method::POST, "/cases/{id}/notes/{entry}/edit", perm(P::EditCase, Case), post(cases::forms::edit_note)),
        route(Method::GET, "/cases/{id}/notes/{entry}/addendum", perm(P::EditCase, Case), get(cases::forms::addendum_form)),
        route(Method::POST, "/cases/{id}/notes/{entry}/addendum", perm(P::EditCase, Case), post(cases::forms::add_addendum)),
        route(Method::GET, "/cases/{id}/people/new", perm(P::EditCase, Case), get(cases::forms::new_person_form)),
        route(Method::POST, "/cases/{id}/people/new", perm(P::EditCase, Case), post(cases::forms::add_person)),
        route(Method::GET, "/cases/{id}/hearings/new", perm(P::EditCase, Case), get(cases::forms::new_hearing_form)),
        route(Method::POST, "/cases/{id}/hearings/new", perm(P::EditCase, Case), post(cases::forms::add_hearing)),
        route(Method::GET, "/cases/{id}/filing-dates/new", perm(P::EditCase, Case), get(cases::forms::new_filing_form)),
        route(Method::POST, "/cases/{id}/filing-dates/new", perm(P::EditCase, Case), post(cases::forms::add_filing)),
        route(Method::GET, "/cases/{id}/checks/new", perm(P::EditCase, Case), get(cases::forms::new_checks_form)),
        route(Method::POST, "/cases/{id}/checks/new", perm(P::EditCase, Case), post(cases::forms::add_checks)),
        route(Method::GET, "/cases/{id}/checks/{check}", perm(P::EditCase, Case), get(cases::forms::check_form)),
        route(Method::POST, "/cases/{id}/checks/{check}", perm(P::EditCase, Case), post(cases::forms::update_check)),
        route(Method::GET, "/cases/{id}/documents/new", perm(P::EditCase, Case), get(cases::documents::upload_form)),
        route(Method::POST, "/cases/{id}/documents/new", perm(P::EditCase, Case), post(cases::documents::upload)).uploads(),
        route(Method::GET, "/cases/{id}/documents/{document}", perm(P::ViewCase, Case), get(cases::documents::download)),
        route(Method::GET, "/cases/{id}/documents/{document}/thumbnail", perm(P::ViewCase, Case), get(cases::documents::thumbnail)),
        route(Method::GET, "/cases/{id}/tasks/new", perm(P::EditCase, Case), get(cases::forms::new_task_form)),
        route(Method::POST, "/cases/{id}/tasks/new", perm(P::EditCase, Case), post(cases::forms::add_task)),
        route(Method::POST, "/cases/{id}/tasks/{task}/done", perm(P::EditCase, Case), post(cases::forms::complete_task)),
        route(Method::GET, "/cases/{id}/stage", perm(P::EditCase, Case), get(cases::forms::stage_form)),
        route(Method::POST, "/cases/{id}/stage", perm(P::EditCase, Case), post(cases::forms::set_stage)),
        route(Method::GET, "/cases/{id}/allocate", perm(P::AllocateCase, Case), get(workload::allocation::allocate_form)),
        route(Method::POST, "/cases/{id}/allocate", perm(P::AllocateCase, Case), post(workload::allocation::allocate)),
        route(Method::GET, "/cases/{id}/offer", perm(P::AllocateCase, Case), get(workload::offers::offer_form)),
        route(Method::POST, "/cases/{id}/offer", perm(P::AllocateCase, Case), post(workload::offers::offer)),
        route(Method::POST, "/offers/{id}/withdraw", perm(P::AllocateCase, Collection), post(workload::offers::withdraw)),
        route(Method::GET, "/cases/{id}/conflict", perm(P::ViewCase, Case), get(workload::capacity::conflict_form)),
        route(Method::POST, "/cases/{id}/conflict", perm(P::ViewCase, Case), post(workload::capacity::declare_conflict)),
        route(Method::GET, "/cases/{id}/transfer", perm(P::AllocateCase, Case), get(cases::transfers::offer_form)),
        route(Method::POST, "/cases/{id}/transfer", perm(P::AllocateCase, Case), post(cases::transfers::offer)),
        route(Method::POST, "/cases/{id}/transfer/withdraw", perm(P::AllocateCase, Case), post(cases::transfers::withdraw)),
        route(Method::GET, "/transfers/{id}", perm(P::AllocateCase, Collection), get(cases::transfers::decision_form)),
        route(Method::POST, "/transfers/{id}", perm(P::AllocateCase, Collection), post(cases::transfers::decide)),
        route(Method::GET, "/cases/{id}/named", perm(P::AllocateCase, Case), get(cases::access::name_form)),
        route(Method::POST, "/cases/{id}/named", perm(P::AllocateCase, Case), post(cases::access::name)),
        route(Method::POST, "/cases/{id}/named/{staff}/remove", perm(P::AllocateCase, Case), post(cases::access::unname)),
        route(Method::POST, "/staff/{id}/duty", perm(P::ManageDuty, Staff), post(cases::access::set_duty)),
        route(Method::GET, "/cases/{id}/close", perm(P::AllocateCase, Case), get(cases::forms::close_form)),
        route(Method::POST, "/cases/{id}/close", perm(P::AllocateCase, Case), post(cases::forms::close)),
        // Court work
        route(Method::GET, "/cases/{id}/work/new", perm(P::DraftWork, Case), get(courtwork::pages::start_form)),
        route(Method::POST, "/cases/{id}/work/new", perm(P::DraftWork, Case), post(courtwork::pages::start)),
        route(Method::GET, "/work/{id}", perm(P::ViewCase, Work), get(courtwork::pages::show_work)),
        route(Method::POST, "/work/{id}", perm(P::DraftWork, Work), post(courtwork::pages::save)),
        route(Method::GET, "/work/{id}/history", perm(P::ViewCase, Work), get(courtwork::pages::history)),
        route(Method::GET, "/work/{id}/preview", perm(P::ViewCase, Work), get(courtwork::pages::preview)),
        route(Method::GET, "/work/{id}/review", perm(P::ApproveWork, Work), get(courtwork::pages::review_form)),
        route(Method::POST, "/work/{id}/review", perm(P::ApproveWork, Work), post(courtwork::pages::review)),
        route(Method::GET, "/work/{id}/file", perm(P::DraftWork, Work), get(courtwork::pages::file_form)),
        route(Method::POST, "/work/{id}/file", perm(P::DraftWork, Work), post(courtwork::pages::file)),
        route(Method::GET, "/admin/templates", perm(P::ManageTemplates, Collection), get(courtwork::templates::list)),
        route(Method::GET, "/admin/templates/{work_type}", perm(P::ManageTemplates, Collection), get(courtwork::templates::edit_form)),
        route(Method::POST, "/admin/templates/{work_type}", perm(P::ManageTemplates, Collection), post(courtwork::templates::publish)),
        // Quality
        route(Method::GET, "/my/autonomy", SignedIn, get(quality::mine)),
        route(Method::GET, "/staff/{id}/autonomy", perm(P::ViewAutonomy, Staff), get(quality::autonomy)),
        route(Method::GET, "/staff/{id}/autonomy/revoke", perm(P::ManageAutonomy, Staff), get(quality::revoke_form)),
        route(Method::POST, "/staff/{id}/autonomy/revoke", perm(P::ManageAutonomy, Staff), post(quality::revoke)),
        route(Method::GET, "/staff/{id}/autonomy/reset", perm(P::ManageAutonomy, Staff), get(quality::reset_form)),
        route(Method::POST, "/staff/{id}/autonomy/reset", perm(P::ManageAutonomy, Staff), post(quality::reset)),
        route(Method::GET, "/quality", perm(P::ViewQualityInsight, Collection), get(quality::insight::page)),
        route(Method::GET, "/quality.csv", perm(P::ViewQualityInsight, Collection), get(quality::insight::csv)),
        route(Method::GET, "/samples", perm(P::SampleWork, Collection), get(quality::samples::list)),
        route(Method::POST, "/samples/propose", perm(P::SampleWork, Collection), post(quality::samples::propose)),
        // A sample names its worker: the handlers check the caller's standing to them.
        route(Method::GET, "/samples/{id}", perm(P::SampleWork, Collection), get(quality::samples::show_sample)),
        route(Method::POST, "/samples/{id}", perm(P::SampleWork, Collection), post(quality::samples::audit)),
        route(Method::GET, "/samples/{id}/swap", perm(P::SampleWork, Collection), get(quality::samples::swap_form)),
        route(Method::POST, "/samples/{id}/swap", perm(P::SampleWork, Collection), post(quality::samples::swap)),
        route(Method::POST, "/samples/{id}/moderate", perm(P::ModerateSample, Collection), post(quality::samples::moderate)),
        // Workload and allocation
        route(Method::GET, "/my-people", perm(P::ViewMyPeople, Collection), get(workload::my_people)),
        route(Method::GET, "/insight", perm(P::ViewInsight, Collection), get(insight::page)),
        route(Method::GET, "/insight.csv", perm(P::ViewInsight, Collection), get(insight::csv)),
        route(Method::GET, "/my/workload", SignedIn, get(workload::mine)),
        route(Method::GET, "/my/supervision", SignedIn, get(people::mine)),
        // Everyone records only their own day: the handler takes the caller, never an id.
        route(Method::POST, "/my/office-day", SignedIn, post(people::office::set_today)),
        // Hot desks: booking is one's own, so a signed-in caller; the store refuses another's booking.
        route(Method::GET, "/desks", SignedIn, get(workplace::page)),
        route(Method::POST, "/desks/book", SignedIn, post(workplace::book)),
        route(Method::GET, "/desks/mine", SignedIn, get(workplace::mine)),
        route(Method::POST, "/desks/needs", SignedIn, post(workplace::set_needs)),
        route(Method::GET, "/desks/figures", perm(P::ViewDeskFigures, Collection), get(workplace::figures::page)),
        route(Method::GET, "/desks/{id}", SignedIn, get(workplace::desk)),
        route(Method::GET, "/desks/{id}/edit", perm(P::ManageFloorPlans, Collection), get(workplace::plans::edit_form)),
        route(Method::POST, "/desks/{id}/edit", perm(P::ManageFloorPlans, Collection), post(workplace::plans::edit)),
        route(Method::POST, "/teams/{id}/desk-days", perm(P::HoldTeamDay, Collection), post(workplace::hold_team_day)),
        route(Method::POST, "/desk-team-days/{id}/release", perm(P::HoldTeamDay, Collection), post(workplace::release_team_day)),
        route(Method::POST, "/desk-bookings/{id}/cancel", SignedIn, post(workplace::cancel)),
        route(Method::POST, "/desk-bookings/{id}/check-in", SignedIn, post(workplace::check_in)),
        route(Method::GET, "/offices/{id}/floor-plan", perm(P::ManageFloorPlans, Collection), get(workplace::plans::page)),
        route(Method::GET, "/offices/{id}/desks/new", perm(P::ManageFloorPlans, Collection), get(workplace::plans::new_form)),
        route(Method::POST, "/offices/{id}/desks", perm(P::ManageFloorPlans, Collection), post(workplace::plans::add)),
        // Team rooms: a room, thread or post names the room it is in, and each handler checks
        // the caller's standing to that room (`teamrooms::standing`).
        route(Method::GET, "/rooms", perm(P::ViewRoom, Collection), get(teamrooms::rooms)),
        route(Method::GET, "/rooms/{id}", perm(P::ViewRoom, Collection), get(teamrooms::room)),
        route(Method::POST, "/rooms/{id}/threads", perm(P::PostInRoom, Collection), post(teamrooms::start_thread)),
        route(Method::GET, "/announcements/new", perm(P::Announce, Collection), get(teamrooms::announce_form)),
        route(Method::POST, "/announcements", perm(P::Announce, Collection), post(teamrooms::announce)),
        // Marking one's own reading: the store records it for the caller alone.
        route(Method::POST, "/announcements/{id}/read", SignedIn, post(teamrooms::mark_read)),
        route(Method::GET, "/room-threads/{id}", perm(P::ViewRoom, Collection), get(teamrooms::thread)),
        route(Method::POST, "/room-threads/{id}/replies", perm(P::PostInRoom, Collection), post(teamrooms::reply)),
        route(Method::POST, "/room-threads/{id}/pin", perm(P::ModerateRoom, Collection), post(teamrooms::pin)),
        route(Method::POST, "/room-posts/{id}/react", perm(P::PostInRoom, Collection), post(teamrooms::react)),
        route(Method::GET, "/room-posts/{id}/edit", perm(P::PostInRoom, Collection), get(teamrooms::edit_form)),
        route(Method::POST, "/room-posts/{id}/edit", perm(P::PostInRoom, Collection), post(teamrooms::edit)),
        route(Method::GET, "/room-posts/{id}/hide", perm(P::ModerateRoom, Collection), get(teamrooms::hide_form)),
        route(Method::POST, "/room-posts/{id}/hide", perm(P::ModerateRoom, Collection), post(teamrooms::hide)),
        // Chat is its members' own business: the store answers "not found" to anyone else.
        route(Method::GET, "/chat", SignedIn, get(teamrooms::chat::list)),
        route(Method::POST, "/chat", SignedIn, post(teamrooms::chat::start)),
        route(Method::GET, "/chat/{id}", SignedIn, get(teamrooms::chat::open)),
        route(Method::POST, "/chat/{id}/messages", SignedIn, post(teamrooms::chat::send)),
        route(Method::GET, "/my/figures", SignedIn, get(workload::figures::mine)),
        route(Method::GET, "/my/offers", SignedIn, get(workload::offers::mine)),
        route(Method::GET, "/my/offers/{id}", SignedIn, get(workload::offers::view)),
        route(Method::POST, "/my/offers/{id}", SignedIn, post(workload::offers::answer)),
        route(Method::GET, "/staff/{id}/workload", perm(P::ViewWorkload, Staff), get(workload::person)),
        route(Method::GET, "/staff/{id}/supervisions", perm(P::ViewSupervision, Staff), get(people::list)),
        route(Method::GET, "/staff/{id}/supervisions/new", perm(P::RecordSupervision, Staff), get(people::record_form)),
        route(Method::POST, "/staff/{id}/supervisions", perm(P::RecordSupervision, Staff), post(people::record)),
        route(Method::GET, "/staff/{id}/supervisions/{supervision}", perm(P::ViewSupervision, Staff), get(people::view)),
        route(Method::POST, "/staff/{id}/supervisions/{supervision}/acknowledge", perm(P::AcknowledgeSupervision, Staff), post(people::acknowledge)),
        route(Method::GET, "/staff/{id}/supervisions/{supervision}/edit", perm(P::RecordSupervision, Staff), get(people::edit_form)),
        route(Method::POST, "/staff/{id}/supervisions/{supervision}/edit", perm(P::RecordSupervision, Staff), post(people::edit)),
        route(Method::POST, "/staff/{id}/supervisions/{supervision}/addenda", perm(P::RecordSupervision, Staff), post(people::add_addendum)),
        // Training and policies: the catalogue, modules and policies are for everyone signed in;
        // a person's record is theirs, their managers' and HR's.
        route(Method::GET, "/training", SignedIn, get(people::training::catalogue)),
        route(Method::GET, "/training/new", perm(P::ManageTraining, Collection), get(people::training::new_course_form)),
        route(Method::POST, "/training", perm(P::ManageTraining, Collection), post(people::training::create_course)),
        route(Method::GET, "/training/{id}", SignedIn, get(people::training::course)),
        route(Method::POST, "/training/{id}/complete", SignedIn, post(people::training::complete)),
        route(Method::GET, "/training/{id}/edit", perm(P::ManageTraining, Collection), get(people::training::edit_course_form)),
        route(Method::POST, "/training/{id}/edit", perm(P::ManageTraining, Collection), post(people::training::edit_course)),
        route(Method::GET, "/my/training", SignedIn, get(people::training::mine)),
        route(Method::GET, "/staff/{id}/training", perm(P::ViewTraining, Staff), get(people::training::person)),
        route(Method::GET, "/staff/{id}/training/new", perm(P::RecordTraining, Staff), get(people::training::completion_form)),
        route(Method::POST, "/staff/{id}/training", perm(P::RecordTraining, Staff), post(people::training::record_completion)),
        route(Method::GET, "/pulse", SignedIn, get(people::pulse::page)),
        route(Method::POST, "/pulse/{id}", SignedIn, post(people::pulse::answer)),
        route(Method::GET, "/pulse/surveys/new", perm(P::ManagePulse, Collection), get(people::pulse::open_form)),
        route(Method::POST, "/pulse/surveys", perm(P::ManagePulse, Collection), post(people::pulse::open)),
        route(Method::GET, "/pulse/results", perm(P::ViewPulse, Collection), get(people::pulse::results)),
        route(Method::GET, "/policies", SignedIn, get(people::policies::list)),
        route(Method::GET, "/policies/{id}", SignedIn, get(people::policies::view)),
        route(Method::POST, "/policies/{id}/attest", SignedIn, post(people::policies::attest)),
        route(Method::GET, "/policies/{id}/publish", perm(P::ManagePolicies, Collection), get(people::policies::publish_form)),
        route(Method::POST, "/policies/{id}/publish", perm(P::ManagePolicies, Collection), post(people::policies::publish)),
        // A team's meetings: the handlers check the caller's standing to the team.
        route(Method::GET, "/teams/{id}/meetings", perm(P::ViewTeamMeetings, Collection), get(people::meetings::list)),
        route(Method::GET, "/teams/{id}/meetings/new", perm(P::RecordTeamMeeting, Collection), get(people::meetings::record_form)),
        route(Method::POST, "/teams/{id}/meetings", perm(P::RecordTeamMeeting, Collection), post(people::meetings::record)),
        route(Method::GET, "/teams/{id}/meetings/{meeting}", perm(P::ViewTeamMeetings, Collection), get(people::meetings::view)),
        // A team's group sessions: the handlers check the caller's standing to the team.
        route(Method::GET, "/teams/{id}/group-sessions", perm(P::ViewGroupSessions, Collection), get(people::group::list)),
        route(Method::GET, "/teams/{id}/group-sessions/new", perm(P::RecordGroupSession, Collection), get(people::group::record_form)),
        route(Method::POST, "/teams/{id}/group-sessions", perm(P::RecordGroupSession, Collection), post(people::group::record)),
        route(Method::GET, "/teams/{id}/group-sessions/{session}", perm(P::ViewGroupSessions, Collection), get(people::group::view)),
        route(Method::GET, "/staff/{id}/appraisals", perm(P::ViewAppraisal, Staff), get(people::appraisals::list)),
        route(Method::GET, "/staff/{id}/appraisals/new", perm(P::ManageAppraisal, Staff), get(people::appraisals::objectives_form)),
        route(Method::POST, "/staff/{id}/appraisals", perm(P::ManageAppraisal, Staff), post(people::appraisals::set_objectives)),
        route(Method::GET, "/staff/{id}/appraisals/{appraisal}", perm(P::ViewAppraisal, Staff), get(people::appraisals::view)),
        route(Method::POST, "/staff/{id}/appraisals/{appraisal}/mid-year", perm(P::ManageAppraisal, Staff), post(people::appraisals::mid_year)),
        route(Method::POST, "/staff/{id}/appraisals/{appraisal}/self-assessment", perm(P::WriteSelfAssessment, Staff), post(people::appraisals::self_assessment)),
        route(Method::POST, "/staff/{id}/appraisals/{appraisal}/rating", perm(P::ManageAppraisal, Staff), post(people::appraisals::rating)),
        route(Method::GET, "/my/leave", SignedIn, get(people::leave::mine)),
        route(Method::GET, "/my/team-leave", SignedIn, get(people::leave::my_team)),
        route(Method::GET, "/staff/{id}/leave", perm(P::ViewLeave, Staff), get(people::leave::page)),
        route(Method::GET, "/staff/{id}/leave/new", perm(P::RequestLeave, Staff), get(people::leave::ask_form)),
        route(Method::POST, "/staff/{id}/leave/check", perm(P::RequestLeave, Staff), post(people::leave::check)),
        route(Method::POST, "/staff/{id}/leave-requests", perm(P::RequestLeave, Staff), post(people::leave::ask)),
        route(Method::GET, "/staff/{id}/leave/adjust", perm(P::AdjustLeave, Staff), get(people::leave::adjust_form)),
        route(Method::POST, "/staff/{id}/leave/adjust", perm(P::AdjustLeave, Staff), post(people::leave::adjust)),
        route(Method::GET, "/staff/{id}/work-pattern", perm(P::AdjustLeave, Staff), get(people::leave::pattern_form)),
        route(Method::POST, "/staff/{id}/work-pattern", perm(P::AdjustLeave, Staff), post(people::leave::set_pattern)),
        // A leave request named alone: the handlers check the caller against its person.
        route(Method::GET, "/leave-requests/{id}", perm(P::ViewLeave, Collection), get(people::leave::request_page)),
        route(Method::POST, "/leave-requests/{id}/decision", perm(P::ApproveLeave, Collection), post(people::leave::decide)),
        route(Method::POST, "/leave-requests/{id}/cancel", perm(P::RequestLeave, Collection), post(people::leave::cancel)),
        route(Method::GET, "/teams/{id}/leave", perm(P::ViewTeamLeave, Collection), get(people::leave::team_calendar)),
        route(Method::GET, "/my/sickness", SignedIn, get(people::sickness::mine)),
        route(Method::GET, "/my/expenses", SignedIn, get(people::expenses::mine)),
        route(Method::GET, "/staff/{id}/expenses", perm(P::ViewExpenses, Staff), get(people::expenses::page)),
        route(Method::POST, "/staff/{id}/expenses", perm(P::ClaimExpenses, Staff), post(people::expenses::start)),
        route(Method::GET, "/expense-claims/{id}", perm(P::ViewExpenses, Collection), get(people::expenses::claim_page)),
        route(Method::POST, "/expense-claims/{id}/visits", perm(P::ClaimExpenses, Collection), post(people::expenses::add_visits)),
        route(Method::GET, "/expense-claims/{id}/costs/new", perm(P::ClaimExpenses, Collection), get(people::expenses::cost_form)),
        route(Method::POST, "/expense-claims/{id}/costs", perm(P::ClaimExpenses, Collection), post(people::expenses::add_cost)).uploads(),
        route(Method::POST, "/expense-claims/{id}/submit", perm(P::ClaimExpenses, Collection), post(people::expenses::submit)),
        route(Method::POST, "/expense-claims/{id}/decision", perm(P::ApproveExpenses, Collection), post(people::expenses::decide)),
        route(Method::GET, "/expense-lines/{id}/journey", perm(P::ClaimExpenses, Collection), get(people::expenses::journey_form)),
        route(Method::POST, "/expense-lines/{id}/journey", perm(P::ClaimExpenses, Collection), post(people::expenses::set_journey)),
        route(Method::POST, "/expense-lines/{id}/remove", perm(P::ClaimExpenses, Collection), post(people::expenses::remove_line)),
        route(Method::GET, "/expense-lines/{id}/receipt", perm(P::ViewExpenses, Collection), get(people::expenses::receipt)),
        route(Method::GET, "/expense-lines/{id}/thumbnail", perm(P::ViewExpenses, Collection), get(people::expenses::receipt_thumbnail)),
        route(Method::GET, "/payroll/expenses", perm(P::ExportPayroll, Collection), get(people::expenses::payroll_page)),
        route(Method::GET, "/payroll/expenses.csv", perm(P::ExportPayroll, Collection), get(people::expenses::payroll_csv)),
        route(Method::GET, "/staff/{id}/sickness", perm(P::ViewSickness, Staff), get(people::sickness::page)),
        route(Method::GET, "/staff/{id}/sickness/new", perm(P::ReportSickness, Staff), get(people::sickness::report_form)),
        route(Method::POST, "/staff/{id}/sickness", perm(P::ReportSickness, Staff), post(people::sickness::report)),
        route(Method::GET, "/staff/{id}/pay", perm(P::ManagePay, Staff), get(people::sickness::band_form)),
        route(Method::POST, "/staff/{id}/pay", perm(P::ManagePay, Staff), post(people::sickness::set_band)),
        // An episode or a review named alone: the handlers check the caller against its person.
        route(Method::POST, "/sickness/{id}/extend", perm(P::ReportSickness, Collection), post(people::sickness::extend)),
        route(Method::POST, "/sickness/{id}/return", perm(P::ReportSickness, Collection), post(people::sickness::record_return)),
        route(Method::GET, "/sickness/{id}/interview", perm(P::ManageSickness, Collection), get(people::sickness::interview_form)),
        route(Method::POST, "/sickness/{id}/interview", perm(P::ManageSickness, Collection), post(people::sickness::hold_interview)),
        route(Method::POST, "/sickness/{id}/fit-note", perm(P::ReportSickness, Collection), post(people::sickness::add_fit_note)).uploads(),
        route(Method::GET, "/fit-notes/{id}", perm(P::ManageSickness, Collection), get(people::sickness::fit_note)),
        route(Method::POST, "/sickness-reviews/{id}/close", perm(P::ManageSickness, Collection), post(people::sickness::close_review)),
        route(Method::GET, "/insight/sickness", perm(P::ViewSicknessFigures, Collection), get(people::sickness::figures_page)),
        route(Method::GET, "/insight/sickness.csv", perm(P::ViewSicknessFigures, Collection), get(people::sickness::figures_csv)),
        route(Method::GET, "/my/induction", SignedIn, get(people::induction::mine)),
        route(Method::GET, "/staff/{id}/induction", perm(P::ViewInduction, Staff), get(people::induction::page)),
        route(Method::GET, "/staff/{id}/induction/new", perm(P::StartInduction, Staff), get(people::induction::start_form)),
        route(Method::POST, "/staff/{id}/induction", perm(P::StartInduction, Staff), post(people::induction::start)),
        route(Method::POST, "/staff/{id}/induction/steps/{step}", perm(P::TickInduction, Staff), post(people::induction::tick)),
        route(Method::GET, "/induction-template", perm(P::ManageInductionTemplate, Collection), get(people::induction::template_form)),
        route(Method::POST, "/induction-template", perm(P::ManageInductionTemplate, Collection), post(people::induction::save_template)),
        route(Method::GET, "/staff/{id}/improvement-plans", perm(P::ViewImprovementPlan, Staff), get(people::plans::list)),
        route(Method::GET, "/staff/{id}/improvement-plans/new", perm(P::ManageImprovementPlan, Staff), get(people::plans::open_form)),
        route(Method::POST, "/staff/{id}/improvement-plans", perm(P::ManageImprovementPlan, Staff), post(people::plans::open)),
        route(Method::GET, "/staff/{id}/improvement-plans/{plan}", perm(P::ViewImprovementPlan, Staff), get(people::plans::view)),
        route(Method::POST, "/staff/{id}/improvement-plans/{plan}/reviews", perm(P::ManageImprovementPlan, Staff), post(people::plans::review)),
        route(Method::POST, "/staff/{id}/improvement-plans/{plan}/close", perm(P::ManageImprovementPlan, Staff), post(people::plans::close)),
        // Figures include grades, which are personal: the worker and their managers only.
        route(Method::GET, "/staff/{id}/figures", perm(P::ViewAutonomy, Staff), get(workload::figures::person)),
        route(Method::GET, "/staff/{id}/absences/new", perm(P::RecordAbsence, Staff), get(workload::capacity::absence_form)),
        route(Method::POST, "/staff/{id}/absences", perm(P::RecordAbsence, Staff), post(workload::capacity::record_absence)),
        route(Method::POST, "/staff/{id}/absences/{absence}/cancel", perm(P::RecordAbsence, Staff), post(workload::capacity::cancel_absence)),
        route(Method::GET, "/staff/{id}/duties/new", perm(P::ManageWorkloadTerms, Staff), get(workload::capacity::duty_form)),
        route(Method::POST, "/staff/{id}/duties", perm(P::ManageWorkloadTerms, Staff), post(workload::capacity::add_duty)),
        route(Method::POST, "/staff/{id}/duties/{duty}/end", perm(P::ManageWorkloadTerms, Staff), post(workload::capacity::end_duty)),
        route(Method::GET, "/staff/{id}/case-cap", perm(P::ManageWorkloadTerms, Staff), get(workload::capacity::cap_form)),
        route(Method::POST, "/staff/{id}/case-cap", perm(P::ManageWorkloadTerms, Staff), post(workload::capacity::set_cap)),
        route(Method::GET, "/allocation-plans", perm(P::AllocateCase, Collection), get(workload::plans::list)),
        route(Method::POST, "/allocation-plans", perm(P::AllocateCase, Collection), post(workload::plans::propose)),
        route(Method::GET, "/allocation-plans/{id}", perm(P::AllocateCase, Collection), get(workload::plans::show)),
        route(Method::POST, "/allocation-plans/{id}/accept", perm(P::AllocateCase, Collection), post(workload::plans::accept)),
        route(Method::POST, "/allocation-plans/{id}/discard", perm(P::AllocateCase, Collection), post(workload::plans::discard)),
        route(Method::POST, "/staff/{id}/moving-plan", perm(P::AllocateCase, Staff), post(workload::plans::propose_moving)),
        // People in cases
        route(Method::GET, "/people/duplicates", perm(P::MergePeople, Collection), get(cases::people::duplicates)),
        route(Method::POST, "/people/merge", perm(P::MergePeople, Collection), post(cases::people::merge)),
        // Audit
        route(Method::GET, "/admin/audit", perm(P::ViewAudit, Collection), get(audit::search)),
        // API
        route(Method::GET, "/api/v1/openapi.json", Public, get(api::openapi)),
        route(Method::GET, "/api/v1/me", SignedIn, get(api::me)),
        route(Method::GET, "/api/v1/staff", perm(P::ViewDirectory, Collection), get(api::staff_list)),
        route(Method::GET, "/api/v1/staff/{id}", perm(P::ViewStaffRecord, Staff), get(api::staff_record)),
        route(Method::GET, "/api/v1/cases", perm(P::ViewCase, Collection), get(cases::api::list)),
        route(Method::GET, "/api/v1/search", perm(P::ViewCase, Collection), get(cases::api::search)),
        route(Method::POST, "/api/v1/cases", perm(P::CreateCase, Collection), post(cases::api::create)),
        route(Method::GET, "/api/v1/cases/{id}", perm(P::ViewCase, Case), get(cases::api::record)),
        route(Method::PATCH, "/api/v1/cases/{id}", perm(P::EditCase, Case), patch(cases::api::edit)),
        route(Method::GET, "/api/v1/cases/{id}/deadlines", perm(P::ViewCase, Case), get(cases::api::deadlines)),
        route(Method::GET, "/api/v1/cases/{id}/chronology", perm(P::ViewCase, Case), get(cases::api::chronology)),
        route(Method::POST, "/api/v1/cases/{id}/notes", perm(P::EditCase, Case), post(cases::api::add_note)),
        route(Method::GET, "/api/v1/cases/{id}/documents", perm(P::ViewCase, Case), get(cases::documents::api_list)),
        route(Method::POST, "/api/v1/cases/{id}/documents", perm(P::EditCase, Case), post(cases::documents::api_upload)).uploads(),
        route(Method::GET, "/api/v1/cases/{id}/work", perm(P::ViewCase, Case), get(courtwork::api::list)),
        route(Method::POST, "/api/v1/cases/{id}/work", perm(P::DraftWork, Case), post(courtwork::api::start)),
        route(Method::GET, "/api/v1/work/{id}", perm(P::ViewCase, Work), get(courtwork::api::record)),
        route(Method::PATCH, "/api/v1/work/{id}", perm(P::DraftWork, Work), patch(courtwork::api::save)),
        route(Method::POST, "/api/v1/work/{id}/submit", perm(P::DraftWork, Work), post(courtwork::api::submit)),
        route(Method::POST, "/api/v1/work/{id}/approve", perm(P::ApproveWork, Work), post(courtwork::api::approve)),
        route(Method::POST, "/api/v1/work/{id}/return", perm(P::ApproveWork, Work), post(courtwork::api::return_work)),
        route(Method::POST, "/api/v1/work/{id}/file", perm(P::DraftWork, Work), post(courtwork::api::file)),
        route(Method::GET, "/api/v1/samples", perm(P::SampleWork, Collection), get(quality::samples::api_list)),
        route(Method::POST, "/api/v1/samples", perm(P::SampleWork, Collection), post(quality::samples::api_propose)),
        route(Method::GET, "/api/v1/staff/{id}/autonomy", perm(P::ViewAutonomy, Staff), get(quality::api_autonomy)),
        route(Method::GET, "/api/v1/staff/{id}/workload", perm(P::ViewWorkload, Staff), get(workload::api::api_workload)),
        route(Method::GET, "/api/v1/staff/{id}/supervisions", perm(P::ViewSupervision, Staff), get(people::api::list)),
        route(Method::POST, "/api/v1/staff/{id}/supervisions", perm(P::RecordSupervision, Staff), post(people::api::create)),
        route(Method::GET, "/api/v1/staff/{id}/supervisions/{supervision}", perm(P::ViewSupervision, Staff), get(people::api::record)),
        route(Method::POST, "/api/v1/staff/{id}/supervisions/{supervision}/acknowledge", perm(P::AcknowledgeSupervision, Staff), post(people::api::acknowledge)),
        // A supervision named alone: the handlers check the caller against its own worker.
        route(Method::GET, "/api/v1/supervisions/{id}", perm(P::ViewSupervision, Collection), get(people::api::record_by_id)),
        route(Method::POST, "/api/v1/supervisions/{id}/acknowledge", perm(P::AcknowledgeSupervision, Collection), post(people::api::acknowledge_by_id)),
        route(Method::GET, "/api/v1/supervisions/{id}/agenda", perm(P::RecordSupervision, Collection), get(people::api::agenda_after)),
        route(Method::GET, "/api/v1/staff/{id}/supervision-agenda", perm(P::RecordSupervision, Staff), get(people::api::agenda_of)),
        route(Method::GET, "/api/v1/staff/{id}/training", perm(P::ViewTraining, Staff), get(people::training::api_training)),
        route(Method::GET, "/api/v1/staff/{id}/appraisals", perm(P::ViewAppraisal, Staff), get(people::appraisals::api_list)),
        route(Method::GET, "/api/v1/teams/{id}/meetings", perm(P::ViewTeamMeetings, Collection), get(people::meetings::api_list)),
        route(Method::GET, "/api/v1/teams/{id}/group-sessions", perm(P::ViewGroupSessions, Collection), get(people::group::api_list)),
        route(Method::GET, "/api/v1/staff/{id}/leave", perm(P::ViewLeave, Staff), get(people::leave::api_ledger)),
        route(Method::GET, "/api/v1/staff/{id}/sickness", perm(P::ViewSickness, Staff), get(people::sickness::api_list)),
        route(Method::POST, "/api/v1/staff/{id}/sickness", perm(P::ReportSickness, Staff), post(people::sickness::api_report)),
        route(Method::GET, "/api/v1/insight/sickness", perm(P::ViewSicknessFigures, Collection), get(people::sickness::figures_api)),
        route(Method::GET, "/api/v1/staff/{id}/expense-claims", perm(P::ViewExpenses, Staff), get(people::expenses::api_list)),
        route(Method::POST, "/api/v1/staff/{id}/expense-claims", perm(P::ClaimExpenses, Staff), post(people::expenses::api_create)),
        route(Method::GET, "/api/v1/expense-claims/{id}", perm(P::ViewExpenses, Collection), get(people::expenses::api_claim)),
        route(Method::POST, "/api/v1/expense-claims/{id}/submit", perm(P::ClaimExpenses, Collection), post(people::expenses::api_submit)),
        route(Method::POST, "/api/v1/expense-claims/{id}/approve", perm(P::ApproveExpenses, Collection), post(people::expenses::api_approve)),
        route(Method::POST, "/api/v1/expense-claims/{id}/refuse", perm(P::ApproveExpenses, Collection), post(people::expenses::api_refuse)),
        route(Method::GET, "/api/v1/payroll/expenses.csv", perm(P::ExportPayroll, Collection), get(people::expenses::api_payroll)),
        route(Method::POST, "/api/v1/staff/{id}/leave-requests", perm(P::RequestLeave, Staff), post(people::leave::api_ask)),
        route(Method::GET, "/api/v1/leave-requests/{id}", perm(P::ViewLeave, Collection), get(people::leave::api_request)),
        route(Method::POST, "/api/v1/leave-requests/{id}/approve", perm(P::ApproveLeave, Collection), post(people::leave::api_approve)),
        route(Method::POST, "/api/v1/leave-requests/{id}/refuse", perm(P::ApproveLeave, Collection), post(people::leave::api_refuse)),
        route(Method::POST, "/api/v1/leave-requests/{id}/cancel", perm(P::RequestLeave, Collection), post(people::leave::api_cancel)),
        route(Method::GET, "/api/v1/pulse/results", perm(P::ViewPulse, Collection), get(people::pulse::api_results)),
        route(Method::GET, "/api/v1/policies", SignedIn, get(people::policies::api_list)),
        route(Method::POST, "/api/v1/policies/{id}/attest", SignedIn, post(people::policies::api_attest)),
        route(Method::GET, "/api/v1/offices/{id}/desks", SignedIn, get(workplace::api::desks)),
        route(Method::POST, "/api/v1/desk-bookings", SignedIn, post(workplace::api::book)),
        route(Method::POST, "/api/v1/desk-bookings/{id}/check-in", SignedIn, post(workplace::api::check_in)),
        route(Method::POST, "/api/v1/desk-bookings/{id}/cancel", SignedIn, post(workplace::api::cancel)),
        // Live events: each stream carries only what its caller may read (`teamrooms::live`).
        route(Method::GET, "/api/v1/events", SignedIn, get(teamrooms::live::events)),
        route(Method::GET, "/api/v1/conversations", SignedIn, get(teamrooms::chat::api_list)),
        route(Method::POST, "/api/v1/conversations/{id}/messages", SignedIn, post(teamrooms::chat::api_send)),
        route(Method::GET, "/api/v1/rooms", perm(P::ViewRoom, Collection), get(teamrooms::api::rooms)),
        route(Method::GET, "/api/v1/rooms/{id}/posts", perm(P::ViewRoom, Collection), get(teamrooms::api::posts)),
        route(Method::POST, "/api/v1/rooms/{id}/posts", perm(P::PostInRoom, Collection), post(teamrooms::api::add_post)),
        route(Method::GET, "/api/v1/teams/{id}/my-people", perm(P::ViewMyPeople, Collection), get(workload::api::api_my_people)),
        route(Method::GET, "/api/v1/cases/{id}/allocation-suggestions", perm(P::AllocateCase, Case), get(workload::allocation::api_suggestions)),
        route(Method::POST, "/api/v1/allocation-plans", perm(P::AllocateCase, Collection), post(workload::plans::api_propose)),
        route(Method::POST, "/api/v1/allocation-plans/{id}/accept", perm(P::AllocateCase, Collection), post(workload::plans::api_accept)),
        route(Method::POST, "/api/v1/staff/{id}/moving-plans", perm(P::AllocateCase, Staff), post(workload::plans::api_propose_moving)),
        route(Method::POST, "/api/v1/cases/{id}/offers", perm(P::AllocateCase, Case), post(workload::offers::api_offer)),
        route(Method::GET, "/api/v1/offers", SignedIn, get(workload::offers::api_mine)),
        route(Method::GET, "/api/v1/insight/kpis", perm(P::ViewInsight, Collection), get(insight::api)),
        route(Method::POST, "/api/v1/offers/{id}/accept", SignedIn, post(workload::offers::api_accept)),
        route(Method::POST, "/api/v1/offers/{id}/decline", SignedIn, post(workload::offers::api_decline)),
    ]
}

/// Checks a route's access before its handler runs. Record-level grants are checked by the handler
/// through [`crate::session::Ctx`], which knows this route's permission.
async fn enforce(State((state, access)): State<(AppState, Access)>, mut req: Request, next: Next) -> Response {
    let auth = req.extensions().get::<Auth>().cloned().unwrap_or(Auth::Anonymous);
    let api = req.uri().path().starts_with("/api/");
    let outcome = match (access, &auth) {
        (Public, _) => Ok(()),
        (PasswordOnly, Auth::MfaPending { .. } | Auth::Staff { .. }) => Ok(()),
        (PasswordOnly | SignedIn | Access::Permission(..), Auth::Anonymous) => Err(AppError::Unauthenticated),
        (SignedIn | Access::Permission(..), Auth::MfaPending { .. }) => Err(AppError::MfaRequired),
        (SignedIn, Auth::Staff { .. }) => Ok(()),
        (Access::Permission(p, _), Auth::Staff { principal, .. }) => {
            req.extensions_mut().insert(RoutePermission(p));
            if permits_somewhere(&principal.roles, p) {
                Ok(())
            } else {
                let ctx = crate::session::audit_context(principal.id, &req);
                let _ = hearth_store::audit::record(
                    &state.store,
                    &ctx,
                    hearth_store::audit::Event::success("access.refused")
                        .outcome(hearth_domain::audit::Outcome::Denied)
                        .detail(serde_json::json!({ "permission": p, "path": req.uri().path() })),
                )
                .await;
                Err(AppError::Forbidden)
            }
        }
    };
    match outcome {
        Ok(()) => match read_of(access, &mut req, &auth).await {
            Some(read) => {
                let note = ReadNote::default();
                req.extensions_mut().insert(note.clone());
                let res = next.run(req).await;
                if res.status().is_success() && !note.recorded() {
                    let (action, subject) = read.target;
                    let event = hearth_store::audit::Event::success(action).about(subject, read.id);
                    if let Err(e) = hearth_store::audit::record(&state.store, &read.ctx, event).await {
                        // An unaudited read must not be answered.
                        return crate::error::AppError::from(e).into_response_for(&read.path);
                    }
                }
                res
            }
            None => next.run(req).await,
        },
        Err(e) if api => crate::error::ApiError(e).into_response(),
        Err(AppError::Unauthenticated) => {
            let next = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = if req.method() == Method::GET && next != "/" {
                format!("/sign-in?next={}", crate::page::url_encode(next))
            } else {
                "/sign-in".to_string()
            };
            axum::response::Redirect::to(&target).into_response()
        }
        Err(AppError::MfaRequired) => axum::response::Redirect::to("/mfa").into_response(),
        Err(e) => e.into_response(),
    }
}

/// A read of one record, which the route layer makes sure is audited.
struct Read {
    target: (&'static str, &'static str),
    id: uuid::Uuid,
    ctx: hearth_store::AuditContext,
    path: String,
}

/// Whether this request reads a case, a piece of court work or a person (a GET of a route whose
/// `{id}` names one), and so must leave an audit event. Following from the route table, a new
/// route cannot forget it.
async fn read_of(access: Access, req: &mut Request, auth: &Auth) -> Option<Read> {
    let Access::Permission(_, target) = access else { return None };
    let target = match target {
        Target::Case => ("case.viewed", "case"),
        Target::Work => ("work.viewed", "work"),
        Target::Staff => ("staff.viewed", "staff"),
        Target::Collection => return None,
    };
    let Auth::Staff { principal, .. } = auth else { return None };
    if req.method() != Method::GET {
        return None;
    }
    // The path's parameters come through their extractor, which needs the request's parts.
    let (mut parts, body) = std::mem::replace(req, Request::new(axum::body::Body::empty())).into_parts();
    let params = axum::extract::RawPathParams::from_request_parts(&mut parts, &()).await;
    *req = Request::from_parts(parts, body);
    let id = params.ok()?.iter().find(|(k, _)| *k == "id").and_then(|(_, v)| uuid::Uuid::parse_str(v).ok())?;
    Some(Read { target, id, ctx: crate::session::audit_context(principal.id, req), path: req.uri().path().to_string() })
}

/// The permission the matched route declared, for the handler's record-level check.
#[derive(Debug, Clone, Copy)]
pub struct RoutePermission(pub Permission);
