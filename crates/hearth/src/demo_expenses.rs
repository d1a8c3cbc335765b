//! Demo expenses: where the demo's visits happened, and six months of claims for most
//! practitioners (`expenses::load_demo`), some waiting for the demo team manager. The demo
//! practitioner and the bank worker are left out, so their visits are there to claim.

use anyhow::Result;
use hearth_domain::people::expenses::ExpenseSettings;
use hearth_store::Store;
use hearth_store::documents::Files;
use time::Date;
use uuid::Uuid;

pub async fn generate(store: &Store, files: &Files, manager: Option<Uuid>, keep_free: &[Uuid], today: Date) -> Result<usize> {
    hearth_store::cases::bulk::set_demo_places(store).await?;
    let receipt = super::demo_cases::text_pdf(&[
        "CAR PARK RECEIPT".to_string(),
        "Court car park, pay and display".to_string(),
        "Paid by card".to_string(),
        "Synthetic demo document: not a real receipt.".to_string(),
    ]);
    Ok(hearth_store::people::expenses::load_demo(store, files, &ExpenseSettings::default(), &receipt, keep_free, manager, today).await?)
}
