//! Compiles every `src/bpf/<object>.bpf.c` with clang, generates its libbpf-rs
//! skeleton into OUT_DIR (skeletons are never committed), and lists the objects
//! (`objects.rs`): a new BPF object is a new `.bpf.c` file, nothing else to register.

use std::env;
use std::fmt::Write as _;
use std::path::PathBuf;

use libbpf_cargo::SkeletonBuilder;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR set by cargo"));
    let bpf_dir = PathBuf::from("src/bpf");
    println!("cargo:rerun-if-changed={}", bpf_dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&bpf_dir)
        .expect("src/bpf exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".bpf.c").map(str::to_string)
        })
        .collect();
    names.sort();
    let mut index = String::new();
    for name in &names {
        let src = bpf_dir.join(format!("{name}.bpf.c"));
        let skel = out.join(format!("{name}.skel.rs"));
        let obj = out.join(format!("{name}.bpf.o"));
        SkeletonBuilder::new()
            .source(&src)
            .obj(&obj)
            .clang_args(["-I", "src/bpf", "-Wall", "-Wno-unused-function"])
            .build_and_generate(&skel)
            .unwrap_or_else(|e| panic!("building {}: {e:#}", src.display()));
        println!("cargo:rerun-if-changed={}", src.display());
        writeln!(
            index,
            "pub mod {name} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{name}.skel.rs\"));\n}}"
        )
        .unwrap();
    }
    index.push_str("/// Every BPF object, by name, as compiled (what the generic loader opens).\n");
    index.push_str("pub static OBJECTS: &[(&str, &[u8])] = &[\n");
    for name in &names {
        writeln!(
            index,
            "    (\"{name}\", include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.bpf.o\"))),"
        )
        .unwrap();
    }
    index.push_str("];\n");
    std::fs::write(out.join("objects.rs"), index).expect("writing objects.rs");
    for entry in std::fs::read_dir(&bpf_dir)
        .expect("src/bpf exists")
        .flatten()
    {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "h") {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    }
}
