//! `--format inventory`: per file, the client ids, authorities (tenants) and resources
//! passed to ADAL calls, so a team can match its code to the applications Entra's
//! sign-in logs flag as still using ADAL. String literals are shown as their value, other
//! expressions as their source text (in backticks); secrets never appear.

use std::io::{self, Write};

use super::{Emitter, RunReport};
use crate::identity::{InventoryCategory, ValueKind};
use crate::redact::Redactor;

pub(super) struct InventoryEmitter;

const CATEGORIES: [(InventoryCategory, &str); 3] = [
    (InventoryCategory::ClientId, "client ids"),
    (InventoryCategory::Authority, "authorities"),
    (InventoryCategory::Resource, "resources"),
];

impl Emitter for InventoryEmitter {
    fn emit(&mut self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let mut listed = 0;
        for file in report.files.iter().filter(|f| !f.inventory.is_empty()) {
            listed += 1;
            let redactor = Redactor::new(&file.secrets);
            writeln!(out, "{}", file.display_path)?;
            for (category, heading) in CATEGORIES {
                let items: Vec<_> = file
                    .inventory
                    .iter()
                    .filter(|item| item.category == category)
                    .collect();
                if items.is_empty() {
                    continue;
                }
                writeln!(out, "  {heading}:")?;
                for item in items {
                    let value = redactor.redact(&item.value);
                    let shown = match item.kind {
                        ValueKind::Literal => value.into_owned(),
                        ValueKind::Expression => format!("`{value}`"),
                    };
                    writeln!(out, "    {shown}  (line {}, {})", item.line, item.api)?;
                }
            }
        }
        if listed == 0 {
            writeln!(
                out,
                "No client ids, authorities or resources found in ADAL calls."
            )?;
        }
        Ok(())
    }
}
