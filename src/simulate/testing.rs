//! Helpers for the simulator's unit tests: the bundled process library and inline processes.

use std::path::{Path, PathBuf};

use crate::model::decode::Decoder;
use crate::model::library::{self, Library};
use crate::model::process::Process;
use crate::model::{spec, validate, yaml};

/// The bundled `processes/` directory, loaded and valid.
pub(crate) fn bundled() -> Library {
    let lib = library::load(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("processes")]);
    assert!(!lib.has_errors(), "{:?}", lib.diagnostics);
    lib
}

/// The process `id` from YAML text, which must be valid.
pub(crate) fn parse(id: &str, text: &str) -> Process {
    let file = format!("{id}.yaml");
    let mut d = Decoder::new(&file);
    let root = yaml::parse(text).expect("YAML").expect("a document");
    let s = spec::decode(&mut d, &root, text);
    let p = validate::validate(&mut d, &s, Path::new(&file));
    p.unwrap_or_else(|| panic!("{:?}", d.diagnostics))
}
