//! A tool declared in its query's header ([`super::header`]) as a subcommand and a
//! [`Tool`]: its options become clap arguments (built with clap's builder API), bind
//! their `$params` (or their defaults), and its rows print in the declared layout.

use std::io::Write;
use std::marker::PhantomData;

use clap::{value_parser, Arg, ArgAction, ArgMatches, FromArgMatches};

use super::header::{Decl, DefaultValue, Layout, OptKind};
use super::{CommonArgs, IntervalArgs, RenderCx, Tool, ToolDef};
use crate::error::Result;
use crate::render::Rows;
use crate::session::Params;

/// Add a declared tool's options to `cmd`: the common ones, `--interval` when
/// declared, then its own.
pub fn augment(decl: &Decl, cmd: clap::Command) -> clap::Command {
    let mut cmd = <CommonArgs as clap::Args>::augment_args(cmd);
    if decl.interval {
        cmd = <IntervalArgs as clap::Args>::augment_args(cmd);
    }
    for o in &decl.options {
        let mut arg = Arg::new(o.long).help(o.help);
        if !o.positional {
            arg = arg.long(o.long);
        }
        if let Some(short) = o.short {
            arg = arg.short(short);
        }
        let value_name = o.value_name.unwrap_or(o.long);
        arg = match o.kind {
            OptKind::Flag => arg.action(ArgAction::SetTrue),
            OptKind::Int => arg
                .value_name(value_name)
                .allow_negative_numbers(true)
                .value_parser(value_parser!(i64)),
            OptKind::Uint => arg
                .value_name(value_name)
                .value_parser(value_parser!(i64).range(0..)),
            OptKind::Str => arg
                .value_name(value_name)
                .value_parser(value_parser!(String)),
        };
        cmd = cmd.arg(arg);
    }
    cmd
}

/// Whether a declaration's flags are free: none may reuse a flag of the common options
/// (clap would only notice when the subcommand is first built).
pub fn check(decl: &Decl) -> std::result::Result<(), String> {
    let base = augment(
        &Decl {
            options: Vec::new(),
            ..decl.clone()
        },
        clap::Command::new(decl.name),
    );
    let taken_long = |l: &str| {
        ["help", "version"].contains(&l) || base.get_arguments().any(|a| a.get_long() == Some(l))
    };
    let taken_short =
        |s: char| ['h', 'V'].contains(&s) || base.get_arguments().any(|a| a.get_short() == Some(s));
    for o in decl.options.iter().filter(|o| !o.positional) {
        if taken_long(o.long) {
            return Err(format!("--{} is an option every tool has", o.long));
        }
        if let Some(s) = o.short.filter(|s| taken_short(*s)) {
            return Err(format!("-{s} is an option every tool has"));
        }
    }
    Ok(())
}

/// A given option's value.
#[derive(Debug, Clone)]
enum Value {
    Flag(bool),
    Int(Option<i64>),
    Str(Option<String>),
}

/// One run of a declared tool: its declaration and the options given.
#[derive(Debug, Clone)]
pub struct Declared {
    decl: &'static Decl,
    def: &'static ToolDef,
    common: CommonArgs,
    interval: IntervalArgs,
    values: Vec<Value>,
}

impl Declared {
    pub fn from_matches(
        decl: &'static Decl,
        def: &'static ToolDef,
        m: &ArgMatches,
    ) -> std::result::Result<Declared, clap::Error> {
        let common = CommonArgs::from_arg_matches(m)?;
        let interval = if decl.interval {
            IntervalArgs::from_arg_matches(m)?
        } else {
            IntervalArgs::default()
        };
        let values = decl
            .options
            .iter()
            .map(|o| {
                Ok(match o.kind {
                    OptKind::Flag => Value::Flag(m.get_flag(o.long)),
                    OptKind::Int | OptKind::Uint => {
                        Value::Int(m.try_get_one::<i64>(o.long).map_err(arg_type)?.copied())
                    }
                    OptKind::Str => {
                        Value::Str(m.try_get_one::<String>(o.long).map_err(arg_type)?.cloned())
                    }
                })
            })
            .collect::<std::result::Result<_, clap::Error>>()?;
        Ok(Declared {
            decl,
            def,
            common,
            interval,
            values,
        })
    }

    /// Whether the flag with this long name was given.
    fn given(&self, long: &str) -> bool {
        self.decl
            .options
            .iter()
            .zip(&self.values)
            .any(|(o, v)| o.long == long && matches!(v, Value::Flag(true)))
    }
}

/// Matches read with another type than they were defined with: a bug here, reported
/// as a usage error rather than a panic.
fn arg_type(e: clap::parser::MatchesError) -> clap::Error {
    clap::Error::raw(
        clap::error::ErrorKind::ValueValidation,
        format!("internal error reading a declared option: {e}"),
    )
}

impl Tool for Declared {
    fn def(&self) -> &'static ToolDef {
        self.def
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
    fn interval(&self) -> Option<&str> {
        self.interval.interval.as_deref()
    }
    fn bind(&self, p: &mut Params) {
        for (o, v) in self.decl.options.iter().zip(&self.values) {
            let Some(param) = o.param else { continue };
            match (v, &o.default) {
                (Value::Flag(b), _) => p.set(param, *b),
                (Value::Int(v), Some(DefaultValue::Int(d))) => p.set(param, v.unwrap_or(*d)),
                (Value::Str(v), Some(DefaultValue::Str(d))) => {
                    p.set(param, v.clone().unwrap_or_else(|| d.to_string()))
                }
                // The header parser requires a default of the option's type.
                (Value::Int(v), _) => p.set(param, v.unwrap_or_default()),
                (Value::Str(v), _) => p.set(param, v.clone().unwrap_or_default()),
            };
        }
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        match &self.decl.layout {
            Layout::Events(list) => list.render(rows, &cx.span, &|flag| self.given(flag), out),
            Layout::Log2(hist) => {
                hist.render(rows, &cx.span, &cx.window, &|flag| self.given(flag), out)
            }
            Layout::Table(list) => {
                list.render_per_interval(rows, cx, &|flag| self.given(flag), out)
            }
        }
    }
}

/// Names a declared tool at the type level, for [`Handle`].
pub trait DeclaredName {
    const NAME: &'static str;
}

/// A declared tool as a typed `clap::Args`, for Rust code that wants one (see
/// `declared_handles!` in `tools/mod.rs`).
#[derive(Debug, Clone)]
pub struct Handle<M> {
    tool: Declared,
    name: PhantomData<M>,
}

/// The registry entry and declaration of the tool `M` names.
fn entry_of<M: DeclaredName>(
) -> std::result::Result<(&'static super::registry::Entry, &'static Decl), clap::Error> {
    super::registry()
        .get(M::NAME)
        .and_then(|e| Some((e, e.declaration()?)))
        .ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidSubcommand,
                format!("no tool {} is declared in queries/", M::NAME),
            )
        })
}

impl<M: DeclaredName> FromArgMatches for Handle<M> {
    fn from_arg_matches(m: &ArgMatches) -> std::result::Result<Self, clap::Error> {
        let (entry, decl) = entry_of::<M>()?;
        Ok(Handle {
            tool: Declared::from_matches(decl, entry.def, m)?,
            name: PhantomData,
        })
    }
    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> std::result::Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl<M: DeclaredName> clap::Args for Handle<M> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        match entry_of::<M>() {
            Ok((entry, _)) => entry.augment(cmd),
            // from_arg_matches reports the missing declaration.
            Err(_) => cmd,
        }
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<M: DeclaredName> Tool for Handle<M> {
    fn def(&self) -> &'static ToolDef {
        self.tool.def()
    }
    fn common(&self) -> &CommonArgs {
        self.tool.common()
    }
    fn interval(&self) -> Option<&str> {
        self.tool.interval()
    }
    fn bind(&self, p: &mut Params) {
        self.tool.bind(p)
    }
    fn render(&self, rows: &Rows, cx: &RenderCx<'_>, out: &mut dyn Write) -> Result<()> {
        self.tool.render(rows, cx, out)
    }
}
