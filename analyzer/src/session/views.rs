//! The derived views every session registers: the pairings several tools share
//! (run-queue waits, on- and off-CPU runs, interrupt runs, each disk's previous
//! request), each one documented SQL file in `queries/views/`. Tools select from them
//! with their time window as a filter on the view's columns, and `retrace sql` users
//! get them as if they were tables.

use std::sync::Arc;

use datafusion::catalog::TableProvider;
use datafusion::common::Column;
use datafusion::datasource::ViewTable;
use datafusion::prelude::{DataFrame, SessionContext};

use crate::capture::Capture;
use crate::error::Result;

/// One view: its name and its query (`queries/views/<name>.sql`).
#[derive(Debug)]
pub struct ViewDef {
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! view {
    ($name:literal) => {
        ViewDef {
            name: $name,
            sql: include_str!(concat!("../../../queries/views/", $name, ".sql")),
        }
    };
}

/// Every view, in registration order: a view comes after the views it reads.
pub static VIEWS: &[ViewDef] = &[
    view!("runq_wait"),
    view!("thread_switch"),
    view!("oncpu_run"),
    view!("offcpu_run"),
    view!("irq_run"),
    view!("block_io_seq"),
    view!("file_rw"),
    view!("fs_op"),
    view!("page_cache_pages"),
    view!("file_name"),
    view!("scsi_cmd_latency"),
    view!("nvme_cmd_latency"),
    view!("tcp_session"),
    view!("tcp_connect"),
];

/// Look a view up by name.
pub fn view(name: &str) -> Option<&'static ViewDef> {
    VIEWS.iter().find(|v| v.name == name)
}

/// Register (or register again, after the tables were) every view whose tables the
/// session has. A view that cannot be planned, because a table it reads is not
/// registered, is left out: querying it then says that no such table exists.
pub async fn register(ctx: &SessionContext) -> Result<()> {
    for v in VIEWS {
        ctx.deregister_table(v.name)?;
        if let Some(provider) = provider(ctx, v).await {
            ctx.register_table(v.name, provider)?;
        }
    }
    Ok(())
}

/// Register every view over several captures as one dataset, like their tables (see
/// [`crate::capture::register_many`]): each view is the UNION ALL of the view over
/// each capture alone, so that no pairing crosses captures, with the `capture` and
/// `host` columns added.
pub async fn register_many(ctx: &SessionContext, captures: &[(String, Capture)]) -> Result<()> {
    use datafusion::logical_expr::{col, lit};
    // Each capture's views, planned in a session of its own over its own tables.
    let mut singles = Vec::with_capacity(captures.len());
    for (name, capture) in captures {
        let single = SessionContext::new();
        capture.register(&single).await?;
        register(&single).await?;
        singles.push((name, capture.manifest().host.hostname.clone(), single));
    }
    for v in VIEWS {
        ctx.deregister_table(v.name)?;
        let mut union: Option<DataFrame> = None;
        for (name, host, single) in &singles {
            let Ok(df) = single.table(v.name).await else {
                continue;
            };
            let mut columns: Vec<_> = df
                .schema()
                .fields()
                .iter()
                .map(|f| col(Column::from_name(f.name())))
                .collect();
            columns.push(lit(name.as_str()).alias("capture"));
            columns.push(lit(host.as_str()).alias("host"));
            let df = df.select(columns)?;
            union = Some(match union {
                None => df,
                Some(u) => u.union(df)?,
            });
        }
        if let Some(df) = union {
            let plan = df.logical_plan().clone();
            ctx.register_table(v.name, Arc::new(ViewTable::new(plan, None)))?;
        }
    }
    Ok(())
}

/// The view as a provider that the planner inlines into each query (so filters and
/// projections of the query reach the tables), or None when it cannot be planned.
async fn provider(ctx: &SessionContext, v: &ViewDef) -> Option<Arc<dyn TableProvider>> {
    let df = ctx.sql(v.sql).await.ok()?;
    let plan = df.logical_plan().clone();
    Some(Arc::new(ViewTable::new(plan, Some(v.sql.to_string()))))
}

#[cfg(test)]
mod tests {
    use super::VIEWS;

    /// Each view's file opens with a header naming it and the tables it reads (the
    /// columns' comments are checked against the registered views in tests/cli/views.rs).
    #[test]
    fn views_have_a_header() {
        for v in VIEWS {
            assert!(
                v.sql.starts_with(&format!("-- {}:", v.name)),
                "{}: the header must start with the view's name",
                v.name
            );
            assert!(v.sql.contains("\n-- Tables:"), "{}: no Tables:", v.name);
        }
    }
}
