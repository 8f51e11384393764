//! `--redact args,paths,addrs`: sensitive fields replaced at record time, before
//! anything reaches the disk. Values are replaced by a keyed hash (SipHash with
//! keys drawn at random for each recording and never stored), so equal values
//! stay equal within one capture but cannot be guessed from a dictionary.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use anyhow::{bail, Result};

#[derive(Debug, Clone, Default)]
pub struct Redact {
    /// Arguments after argv[0] (exec argv, /proc cmdline).
    pub args: bool,
    /// File paths (exec filename, argv[0]): the folders are hashed, the file name kept.
    pub paths: bool,
    /// Kernel and user addresses (stack frames); no table of this version holds any.
    pub addrs: bool,
    keys: RandomState,
}

impl Redact {
    pub fn parse(list: &[String]) -> Result<Self> {
        let mut r = Redact::default();
        for item in list {
            match item.as_str() {
                "args" => r.args = true,
                "paths" => r.paths = true,
                "addrs" => r.addrs = true,
                other => bail!("unknown --redact field {other:?} (known: args, paths, addrs)"),
            }
        }
        Ok(r)
    }

    /// What the manifest records.
    pub fn names(&self) -> Vec<String> {
        [
            ("args", self.args),
            ("paths", self.paths),
            ("addrs", self.addrs),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(n, _)| n.to_string())
        .collect()
    }

    fn hash(&self, s: &str) -> String {
        format!("hash:{:016x}", self.keys.hash_one(s))
    }

    /// An argument after argv[0].
    pub fn arg(&self, a: &str) -> String {
        if self.args {
            self.hash(a)
        } else {
            a.to_string()
        }
    }

    /// A path: `hash:<folders>/<file name>`.
    pub fn path(&self, p: &str) -> String {
        if !self.paths {
            return p.to_string();
        }
        match p.rsplit_once('/') {
            Some((dir, file)) => format!("{}/{file}", self.hash(dir)),
            None => p.to_string(),
        }
    }

    /// A whole command line, words separated by spaces.
    pub fn cmdline(&self, c: &str) -> String {
        let mut words = c.split(' ');
        let mut out = match words.next() {
            Some(first) => self.path(first),
            None => return String::new(),
        };
        for w in words {
            out.push(' ');
            out.push_str(&self.arg(w));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hashes_consistently_and_keeps_file_names() {
        let r = Redact::parse(&["args".into(), "paths".into()]).unwrap();
        assert_eq!(r.arg("secret"), r.arg("secret"));
        assert_ne!(r.arg("secret"), r.arg("other"));
        assert!(r.arg("secret").starts_with("hash:"));
        let p = r.path("/home/alice/bin/tool");
        assert!(p.starts_with("hash:") && p.ends_with("/tool"), "{p}");
        assert!(!r.cmdline("/usr/bin/mysql -psecret").contains("secret"));
        let none = Redact::parse(&[]).unwrap();
        assert_eq!(none.cmdline("/bin/ls -l"), "/bin/ls -l");
        assert!(Redact::parse(&["bogus".into()]).is_err());
    }
}
