//! A DataFusion session over one capture (or several as one dataset, see
//! [`Session::open_many`]): its tables and retrace's SQL functions registered, queries
//! run read-only with named parameters bound (`$start_ns`, ...). The derived views of
//! `queries/views/` ([`views`]) are registered over the tables.

pub mod intervals;
pub mod views;

use std::collections::HashMap;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{SchemaRef, UInt64Type};
use datafusion::common::{ParamValues, ScalarValue};
use datafusion::execution::context::SQLOptions;
use datafusion::prelude::{SessionConfig, SessionContext};
use retrace_schema::TABLES;

use crate::capture::Capture;
use crate::error::{Error, Result};
use crate::window::CaptureSpan;

/// Named query parameters: `("start_ns", 123)` binds `$start_ns` in the SQL.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, ScalarValue)>);

impl Params {
    pub fn new() -> Self {
        Params::default()
    }

    /// Bind `$name` to `value` (a later binding of the same name wins).
    pub fn set(&mut self, name: &str, value: impl Into<ScalarValue>) -> &mut Self {
        self.0.retain(|(n, _)| n != name);
        self.0.push((name.to_string(), value.into()));
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, ScalarValue)> {
        self.0.iter()
    }

    fn get(&self, name: &str) -> Result<&ScalarValue> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| Error::Internal(format!("query parameter ${name} is not bound")))
    }

    /// An integer parameter, whatever integer type it was bound as.
    pub fn int(&self, name: &str) -> Result<i128> {
        match self.get(name)? {
            ScalarValue::UInt64(Some(v)) => Ok(i128::from(*v)),
            ScalarValue::Int64(Some(v)) => Ok(i128::from(*v)),
            ScalarValue::UInt32(Some(v)) => Ok(i128::from(*v)),
            ScalarValue::Int32(Some(v)) => Ok(i128::from(*v)),
            other => Err(Error::Internal(format!(
                "${name} = {other} is not an integer"
            ))),
        }
    }

    /// A non-negative integer parameter.
    pub fn u64(&self, name: &str) -> Result<u64> {
        u64::try_from(self.int(name)?)
            .map_err(|_| Error::Internal(format!("${name} must not be negative")))
    }

    /// A string parameter.
    pub fn string(&self, name: &str) -> Result<String> {
        match self.get(name)? {
            ScalarValue::Utf8(Some(v)) | ScalarValue::LargeUtf8(Some(v)) => Ok(v.clone()),
            ScalarValue::Utf8View(Some(v)) => Ok(v.clone()),
            other => Err(Error::Internal(format!(
                "${name} = {other} is not a string"
            ))),
        }
    }

    /// A boolean parameter.
    pub fn bool(&self, name: &str) -> Result<bool> {
        match self.get(name)? {
            ScalarValue::Boolean(Some(v)) => Ok(*v),
            other => Err(Error::Internal(format!(
                "${name} = {other} is not a boolean"
            ))),
        }
    }

    /// Parse `name=value` as given to `retrace sql --param`: integers (u64 when not
    /// negative), decimals,
    /// true/false, else a string.
    pub fn set_from_str(&mut self, assignment: &str) -> Result<()> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--param {assignment}: expected NAME=VALUE")))?;
        let name = name.trim().trim_start_matches('$');
        if name.is_empty() {
            return Err(Error::Usage(format!("--param {assignment}: empty name")));
        }
        // Non-negative integers bind as u64, like the capture's timestamps and sizes,
        // so arithmetic with them stays in integers.
        let value: ScalarValue = if let Ok(v) = value.parse::<u64>() {
            v.into()
        } else if let Ok(v) = value.parse::<i64>() {
            v.into()
        } else if let Ok(v) = value.parse::<f64>() {
            v.into()
        } else if let Ok(v) = value.parse::<bool>() {
            v.into()
        } else {
            value.into()
        };
        self.set(name, value);
        Ok(())
    }

    fn to_param_values(&self) -> ParamValues {
        let map: HashMap<String, _> = self
            .0
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into()))
            .collect();
        ParamValues::Map(map)
    }
}

/// The rows of a query, with their schema even when there are none.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl QueryResult {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }
}

/// A capture opened for querying.
pub struct Session {
    ctx: SessionContext,
    capture: Capture,
    /// Several captures as one dataset (`capture` and `host` columns), when opened
    /// with [`Session::open_many`]; `capture` is then the first of them.
    many: Option<Vec<(String, Capture)>>,
    /// Warnings found while querying (segments dropped), not yet shown.
    late_warnings: Vec<String>,
}

/// DataFusion's settings for retrace's queries; DATAFUSION_* environment variables
/// (e.g. DATAFUSION_EXECUTION_BATCH_SIZE) override them, for experiments.
fn session_config() -> Result<SessionConfig> {
    let config = SessionConfig::from_env()?.with_information_schema(true);
    Ok(config)
}

impl Session {
    /// Register the capture's tables and retrace's functions in a new session.
    pub async fn open(capture: Capture) -> Result<Session> {
        let ctx = SessionContext::new_with_config(session_config()?);
        crate::udf::register(&ctx);
        capture.register(&ctx).await?;
        views::register(&ctx).await?;
        Ok(Session {
            ctx,
            capture,
            many: None,
            late_warnings: Vec::new(),
        })
    }

    /// Register several named captures as one dataset: each table is the union of the
    /// captures' tables with a `capture` (the name given) and a `host` column.
    pub async fn open_many(captures: Vec<(String, Capture)>) -> Result<Session> {
        let first = captures
            .first()
            .map(|(_, c)| c.clone())
            .ok_or_else(|| Error::Internal("no capture given to open".into()))?;
        let ctx = SessionContext::new_with_config(session_config()?);
        crate::udf::register(&ctx);
        crate::capture::register_many(&ctx, &captures).await?;
        views::register_many(&ctx, &captures).await?;
        Ok(Session {
            ctx,
            capture: first,
            many: Some(captures),
            late_warnings: Vec::new(),
        })
    }

    /// Drop undecodable segments from every capture and register the rest again.
    async fn drop_and_reregister(&mut self) -> Result<Vec<String>> {
        let Some(many) = self.many.as_mut() else {
            let dropped = self.capture.drop_undecodable()?;
            if !dropped.is_empty() {
                self.capture.register(&self.ctx).await?;
                // A view holds the providers of the tables it was planned over.
                views::register(&self.ctx).await?;
            }
            return Ok(dropped);
        };
        let mut dropped = Vec::new();
        for (_, capture) in many.iter_mut() {
            dropped.extend(capture.drop_undecodable()?);
        }
        if !dropped.is_empty() {
            crate::capture::register_many(&self.ctx, many).await?;
            views::register_many(&self.ctx, many).await?;
        }
        Ok(dropped)
    }

    pub fn capture(&self) -> &Capture {
        &self.capture
    }

    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Where the capture lies in time. The end comes from the manifest, or for a capture
    /// that was never finalized, from the latest timestamp in its tables.
    pub async fn span(&mut self) -> Result<CaptureSpan> {
        let start_ns = self.capture.start_ns();
        let end_ns = match self.capture.end_ns() {
            Some(end) => end,
            None => self
                .latest_timestamp()
                .await?
                .map_or(start_ns, |t| t.saturating_add(1)),
        };
        Ok(CaptureSpan {
            start_ns,
            end_ns: end_ns.max(start_ns.saturating_add(1)),
            clock: self.capture.manifest().clock_start,
        })
    }

    async fn latest_timestamp(&mut self) -> Result<Option<u64>> {
        let parts: Vec<String> = TABLES
            .iter()
            .filter_map(|t| {
                Some(format!(
                    "SELECT max({}) AS t FROM {}",
                    t.time_column.as_deref()?,
                    t.name
                ))
            })
            .collect();
        let sql = format!("SELECT max(t) AS t FROM ({})", parts.join(" UNION ALL "));
        let result = self.query(&sql, &Params::new()).await?;
        let latest = result
            .batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .and_then(|b| {
                let col = b.column(0).as_primitive_opt::<UInt64Type>()?;
                (!col.is_null(0)).then(|| col.value(0))
            });
        Ok(latest)
    }

    /// Warnings about segments dropped while querying, each returned once.
    pub fn take_late_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.late_warnings)
    }

    /// Run one read-only SQL statement with parameters bound. DDL, DML (including COPY)
    /// and other statements (SET, transactions) are refused.
    ///
    /// When reading rows fails, the cause may be a segment whose footer is whole but
    /// whose data is corrupt: every segment is then decoded in full, those that fail
    /// are dropped (see [`Capture::drop_undecodable`]) and the query runs once more.
    pub async fn query(&mut self, sql: &str, params: &Params) -> Result<QueryResult> {
        let (schema, result) = self.run(sql, params).await?;
        let batches = match result {
            Ok(batches) => batches,
            Err(e) => {
                let dropped = self.drop_and_reregister().await?;
                if dropped.is_empty() {
                    return Err(e.into());
                }
                self.late_warnings.extend(dropped);
                let (_, retry) = self.run(sql, params).await?;
                retry?
            }
        };
        Ok(QueryResult { schema, batches })
    }

    /// Plan a query (errors here are the query's fault) and execute it (errors there
    /// may be the data's).
    async fn run(
        &self,
        sql: &str,
        params: &Params,
    ) -> Result<(SchemaRef, datafusion::error::Result<Vec<RecordBatch>>)> {
        let options = SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        intervals::register(&self.ctx, params)?;
        let df = self.ctx.sql_with_options(sql, options).await?;
        let df = df
            .with_param_values(params.to_param_values())
            .map_err(unbound_parameter)?;
        let schema = df.schema().inner().clone();
        // A reader that panics on a damaged page is an error of the data, handled
        // like the others (see `query`).
        let collected = crate::panic_guard::quietly_async(df.collect())
            .await
            .unwrap_or_else(|| {
                Err(datafusion::error::DataFusionError::Execution(
                    "reading the capture failed (the Parquet reader panicked)".into(),
                ))
            });
        Ok((schema, collected))
    }
}

/// Turn DataFusion's "no value for placeholder" into advice on how to bind it.
fn unbound_parameter(e: datafusion::error::DataFusionError) -> Error {
    let text = e.to_string();
    match text.split("placeholder with name $").nth(1) {
        Some(rest) => {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            Error::Usage(format!(
                "query parameter ${name} has no value (bind it with --param {name}=VALUE)"
            ))
        }
        None => Error::Query(e),
    }
}
