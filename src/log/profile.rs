//! Log profiles: one YAML file that says how to read one ticket system's export (column names,
//! delimiter, encoding, time zone, timestamp layout, lifecycle filter) and which log labels mean
//! which process steps. Flags given on the command line override it.
//!
//! Owns [`Profile`] and its decoding. Problems are [`Diagnostic`]s with `file:line:column`, all of
//! them in one run, like the process files. The format is documented in `docs/log-format.md`.

use std::path::Path;

use crate::log::options::{ColumnNames, Encoding, ReadOptions, parse_delimiter};
use crate::log::timestamp::{check_format, parse_zone};
use crate::model::decode::Decoder;
use crate::model::diagnostic::{Code, Diagnostic, Span, Spanned};
use crate::model::library::read_text;
use crate::model::yaml::{self, Node, NodeKind};

const KEYS: [&str; 10] = [
    "columns",
    "delimiter",
    "encoding",
    "timezone",
    "timestamp_format",
    "lifecycle",
    "activities",
    "roles",
    "resources",
    "description",
];
const COLUMN_KEYS: [&str; 12] = [
    "case",
    "activity",
    "timestamp",
    "role",
    "resource",
    "lifecycle",
    "customer",
    "tier",
    "class",
    "channel",
    "business",
    "brand",
];

/// A log label the profile maps to a step id (under `activities:`) or a role id (under `roles:`
/// and `resources:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMapping {
    /// The label as the log writes it; under `resources:` a trailing `*` matches any agent id
    /// that starts with the rest.
    pub label: Spanned<String>,
    /// The step (or role) id it means.
    pub step: Spanned<String>,
}

/// A decoded log profile.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// The file, as the user named it.
    pub file: String,
    /// Its text (for rendering diagnostics).
    pub text: String,
    /// Column names.
    pub columns: ColumnNames,
    /// Delimiter.
    pub delimiter: Option<u8>,
    /// Encoding.
    pub encoding: Option<Encoding>,
    /// Zone of naive timestamps.
    pub zone: Option<chrono_tz::Tz>,
    /// Timestamp layout.
    pub timestamp_format: Option<String>,
    /// Lifecycle filter.
    pub lifecycle: Option<String>,
    /// Label to step mappings, in file order.
    pub activities: Vec<LabelMapping>,
    /// Department names (the log's role column) to role ids, in file order.
    pub roles: Vec<LabelMapping>,
    /// Agent ids (the log's resource column, `prefix*` patterns allowed) to role ids, in file order.
    pub resources: Vec<LabelMapping>,
}

/// A profile that could not be used: every problem found, and the text they point into.
#[derive(Debug, Clone)]
pub struct ProfileError {
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}

impl Profile {
    /// Reads and decodes the profile at `path`.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let name = path.display().to_string();
        let text = read_text(path, &name).map_err(|d| ProfileError { diagnostics: vec![d], text: None })?;
        let fail = |d: Diagnostic, text: &str| ProfileError { diagnostics: vec![d], text: Some(text.to_owned()) };
        let root = match yaml::parse(&text) {
            Ok(Some(root)) => root,
            Ok(None) => {
                let d = Diagnostic::error(Code::YamlSyntax, &name, Some(Span::START), "the profile is empty")
                    .with_help("a log profile has `columns:` and optionally `activities:`; see docs/log-format.md");
                return Err(fail(d, &text));
            }
            Err(e) => {
                let code = if e.budget { Code::YamlBudget } else { Code::YamlSyntax };
                return Err(fail(Diagnostic::error(code, &name, Some(e.span), e.message), &text));
            }
        };
        let mut d = Decoder::new(&name);
        let mut profile = decode(&mut d, &root);
        if d.has_errors() {
            return Err(ProfileError { diagnostics: d.diagnostics, text: Some(text) });
        }
        profile.file = name;
        profile.text = text;
        Ok(profile)
    }

    /// Lays the profile under `opts`: a value the options already have (from a flag) wins.
    pub fn apply_to(&self, opts: &mut ReadOptions, flags_given: &FlagsGiven) {
        let c = &mut opts.columns;
        let p = &self.columns;
        for (mine, theirs) in [
            (&mut c.case, &p.case),
            (&mut c.activity, &p.activity),
            (&mut c.timestamp, &p.timestamp),
            (&mut c.role, &p.role),
            (&mut c.resource, &p.resource),
            (&mut c.lifecycle, &p.lifecycle),
            (&mut c.customer, &p.customer),
            (&mut c.tier, &p.tier),
            (&mut c.class, &p.class),
            (&mut c.channel, &p.channel),
            (&mut c.business, &p.business),
            (&mut c.brand, &p.brand),
        ] {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        if opts.delimiter.is_none() {
            opts.delimiter = self.delimiter;
        }
        if !flags_given.encoding
            && let Some(e) = self.encoding
        {
            opts.encoding = e;
        }
        if !flags_given.timezone
            && let Some(z) = self.zone
        {
            opts.zone = z;
        }
        if opts.timestamp_format.is_none() {
            opts.timestamp_format.clone_from(&self.timestamp_format);
        }
        if opts.lifecycle.is_none() {
            opts.lifecycle.clone_from(&self.lifecycle);
        }
    }
}

/// Which options with defaults the user gave as flags (so a profile does not override them).
#[derive(Debug, Clone, Copy, Default)]
pub struct FlagsGiven {
    /// `--encoding`.
    pub encoding: bool,
    /// `--timezone`.
    pub timezone: bool,
}

fn checked<T>(d: &mut Decoder<'_>, v: &Spanned<String>, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
    match parse(&v.value) {
        Ok(t) => Some(t),
        Err(message) => {
            d.error(Code::InvalidValue, v.span, message, None);
            None
        }
    }
}

fn decode(d: &mut Decoder<'_>, root: &Node) -> Profile {
    let mut p = Profile::default();
    let Some(f) = d.fields(root, "the log profile", &KEYS) else { return p };
    if let Some(cols) = f.get("columns")
        && let Some(cf) = d.fields(cols, "`columns`", &COLUMN_KEYS)
    {
        let c = &mut p.columns;
        for (key, slot) in [
            ("case", &mut c.case),
            ("activity", &mut c.activity),
            ("timestamp", &mut c.timestamp),
            ("role", &mut c.role),
            ("resource", &mut c.resource),
            ("lifecycle", &mut c.lifecycle),
            ("customer", &mut c.customer),
            ("tier", &mut c.tier),
            ("class", &mut c.class),
            ("channel", &mut c.channel),
            ("business", &mut c.business),
            ("brand", &mut c.brand),
        ] {
            *slot = d.opt_text(&cf, key, &format!("column `{key}`")).map(|s| s.value);
        }
    }
    if let Some(v) = d.opt_text(&f, "delimiter", "`delimiter`") {
        p.delimiter =
            checked(d, &v, |t| parse_delimiter(t).map_err(|e| e.to_string().replace("--delimiter", "delimiter")));
    }
    if let Some(v) = d.opt_text(&f, "encoding", "`encoding`") {
        p.encoding =
            checked(d, &v, |t| Encoding::parse(t).map_err(|e| e.to_string().replace("--encoding", "encoding")));
    }
    if let Some(v) = d.opt_text(&f, "timezone", "`timezone`") {
        p.zone = checked(d, &v, parse_zone);
    }
    if let Some(v) = d.opt_text(&f, "timestamp_format", "`timestamp_format`") {
        p.timestamp_format = checked(d, &v, |t| check_format(t).map(|()| t.to_owned()));
    }
    p.lifecycle = d.opt_text(&f, "lifecycle", "`lifecycle`").map(|s| s.value);
    let _ = d.opt_text(&f, "description", "`description`");
    p.activities = label_map(d, f.get("activities"), "activities", "step");
    p.roles = label_map(d, f.get("roles"), "roles", "role");
    p.resources = label_map(d, f.get("resources"), "resources", "role");
    p
}

/// The `label: id` entries of one of the profile's mappings (`activities`, `roles`, `resources`).
fn label_map(d: &mut Decoder<'_>, node: Option<&Node>, key: &str, noun: &str) -> Vec<LabelMapping> {
    let Some(node) = node else { return Vec::new() };
    let NodeKind::Map(entries) = &node.kind else {
        let what = if key == "activities" {
            "log labels"
        } else if key == "roles" {
            "department names"
        } else {
            "agent ids"
        };
        d.error(
            Code::WrongType,
            node.span,
            format!("`{key}` must map {what} to {noun} ids, found {}", node.shape()),
            Some(format!("write one `log label: {noun}-id` per line")),
        );
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(k, v)| {
            let label = d.text(k, "a log label");
            let step = d.id(v, &format!("a {noun} id"));
            Some(LabelMapping { label: label?, step: step? })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{FlagsGiven, decode};
    use crate::log::options::ReadOptions;
    use crate::model::decode::Decoder;
    use crate::model::yaml;

    #[test]
    fn a_profile_names_the_brand_column_and_a_flag_overrides_it() {
        let text = "columns:\n  case: 工单编号\n  business: 业务类型\n  brand: 客户品牌名称\n";
        let root = yaml::parse(text).unwrap().unwrap();
        let mut d = Decoder::new("p.yaml");
        let p = decode(&mut d, &root);
        assert!(!d.has_errors(), "{:?}", d.diagnostics);
        assert_eq!(p.columns.brand.as_deref(), Some("客户品牌名称"));
        let mut opts = ReadOptions::default();
        p.apply_to(&mut opts, &FlagsGiven::default());
        assert_eq!(opts.columns.brand.as_deref(), Some("客户品牌名称"));
        let mut opts = ReadOptions::default();
        opts.columns.brand = Some("品牌".to_owned());
        p.apply_to(&mut opts, &FlagsGiven::default());
        assert_eq!(opts.columns.brand.as_deref(), Some("品牌"), "the flag wins");
    }
}
