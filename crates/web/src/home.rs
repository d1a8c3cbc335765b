//! The home page. It becomes My Work when workload arrives; for now it is the way in.

use askama::Template;
use axum::response::Response;
use hearth_domain::access::Permission;

use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    name: String,
    links: Vec<(&'static str, &'static str, &'static str)>,
}

pub async fn home(ctx: PageCtx, me: Ctx) -> Response {
    let mut links = Vec::new();
    if me.can(Permission::ViewDirectory) {
        links.push(("/staff", "Find a colleague", "Search the staff directory by name or team."));
        links.push(("/org", "Organisation", "Service areas, teams, offices and courts."));
    }
    if me.can(Permission::ManageStaff) {
        links.push(("/admin/staff/new", "Add a member of staff", "Create an account for a new starter."));
    }
    if me.can(Permission::ViewAudit) {
        links.push(("/admin/audit", "Audit trail", "Who viewed a record, and what someone did."));
    }
    links.push(("/account", "Your account", "Your details, and signing out on every device."));
    render(&HomePage { shell: ctx.shell("Home"), name: me.principal.name.clone(), links })
}
