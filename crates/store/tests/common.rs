//! Shared set-up for the store's integration tests.
#![allow(dead_code)]

use hearth_domain::cases::{ApplicationKind, LawType, NewCase};
use hearth_domain::org::{ContractType, Fte, NewStaff, Role};
use hearth_domain::text::EmailAddress;
use hearth_store::{AuditContext, Store, cases, new_id, org};
use uuid::Uuid;

pub struct Org {
    pub area: Uuid,
    pub other_area: Uuid,
    pub team: Uuid,
    pub other_team: Uuid,
}

/// Two service areas, each with a team.
pub async fn small_org(store: &Store) -> Org {
    org::ensure_reference_data(store).await.unwrap();
    let areas = org::area_refs(store).await.unwrap();
    let (area, other_area) = (areas[0].id, areas[1].id);
    let (team, other_team) = (new_id(), new_id());
    let mut tx = store.begin().await.unwrap();
    org::insert_team(&mut tx, team, "Alpha team", area, None).await.unwrap();
    org::insert_team(&mut tx, other_team, "Beta team", other_area, None).await.unwrap();
    tx.commit().await.unwrap();
    Org { area, other_area, team, other_team }
}

pub fn new_staff(name: &str, roles: &[Role], team: Option<Uuid>, manager: Option<Uuid>) -> NewStaff {
    NewStaff {
        name: name.to_string(),
        email: EmailAddress::parse("email", &format!("{}@hearth.example", name.to_lowercase().replace(' ', "."))).unwrap(),
        roles: roles.to_vec(),
        team_id: team,
        line_manager_id: manager,
        fte: Fte::FULL_TIME,
        contract: ContractType::Employed,
        start_date: time::macros::date!(2024 - 01 - 08),
        qualified_date: None,
        skills: vec![],
    }
}

pub async fn add(store: &Store, name: &str, roles: &[Role], team: Option<Uuid>, manager: Option<Uuid>) -> Uuid {
    org::create_staff(store, &AuditContext::system(), &new_staff(name, roles, team, manager)).await.unwrap()
}

/// A private law case in `team`, at the first court, with no deadlines worked out.
pub async fn open_private_case(store: &Store, team: Uuid) -> Uuid {
    let court = org::courts(store).await.unwrap()[0].id;
    let case = NewCase {
        court_case_number: "LV26P04321".into(),
        law: LawType::Private,
        applications: vec![ApplicationKind::ChildArrangements],
        court_id: court,
        local_authority_id: None,
        team_id: team,
        received_on: time::macros::date!(2026 - 10 - 01),
        urgent: false,
        first_hearing_on: Some(time::macros::date!(2026 - 12 - 07)),
        issued_on: None,
        flags: vec![],
    };
    cases::create(store, &AuditContext::system(), &case, &[]).await.unwrap().0
}
