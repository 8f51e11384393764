//! `schemas/README.md` is generated from the catalog; this test fails when they
//! differ. `RETRACE_BLESS=1 cargo test -p retrace-schema` rewrites the file. And the
//! catalog itself is consistent: every table's source declares it, keys exist.

#[test]
fn readme_matches_table_declarations() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let want = retrace_schema::tables::markdown();
    if std::env::var_os("RETRACE_BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "schemas/README.md is out of date: run RETRACE_BLESS=1 cargo test -p retrace-schema"
    );
}

#[test]
fn every_table_has_documented_columns_and_valid_keys() {
    for t in retrace_schema::TABLES.iter() {
        assert!(!t.doc.is_empty(), "{} has no doc", t.name);
        assert!(t.column(&t.sort_key).is_some(), "{}: sort key", t.name);
        if let Some(tc) = &t.time_column {
            assert!(t.column(tc).is_some(), "{}: time column", t.name);
        }
        for c in t.columns.iter() {
            assert!(!c.doc.is_empty(), "{}.{} has no doc", t.name, c.name);
            if c.name.ends_with("_ns") {
                assert!(c.unit.starts_with("ns"), "{}.{} unit", t.name, c.name);
            }
            // `retrace sql A B` adds these two to every table of a multi-capture
            // dataset: a column of the same name would be ambiguous there.
            assert!(
                !matches!(c.name.as_ref(), "capture" | "host"),
                "{}.{}: a name reserved for multi-capture datasets",
                t.name,
                c.name
            );
        }
    }
}

#[test]
fn newer_format_is_refused_with_a_version_error() {
    let err = retrace_schema::Manifest::from_json(r#"{"format_version": 999}"#).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn every_table_belongs_to_the_source_declared_beside_it() {
    use retrace_schema::sources::Loader;
    let mut names = std::collections::HashSet::new();
    for chapter in retrace_schema::catalog::CHAPTERS {
        let s = chapter.source;
        assert!(!s.about.is_empty(), "{} has no description", s.name);
        if s.loader != Loader::Shared {
            assert!(s.object.is_some(), "{} has no BPF object", s.name);
            assert!(!s.probes.is_empty(), "{} has no probes", s.name);
            assert!(!s.rate.is_empty(), "{} says no rate", s.name);
        }
        for p in s.probes {
            assert!(
                !p.alternatives.is_empty(),
                "{}: {} cannot attach",
                s.name,
                p.name
            );
        }
        for t in chapter.tables {
            assert_eq!(
                t.source, s.name,
                "{} is declared beside source {}",
                t.name, s.name
            );
            assert!(
                names.insert(t.name.to_string()),
                "table {} declared twice",
                t.name
            );
        }
    }
    assert!(retrace_schema::sources::default_list().contains("sched"));
}
