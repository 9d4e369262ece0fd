//! Which CSV column holds which field: the user's names, or the usual names ticket systems and
//! process-mining tools write.
//!
//! Owns [`Columns`] (resolved indices) and the lists of recognised names. Names are compared
//! case-insensitively with spaces, `_` and `-` treated alike, so `Case ID`, `case_id` and
//! `case-id` all match. When the header repeats a name, the first column of that name is used and
//! the repetition is noted.

use std::path::Path;

use crate::log::accounting::{Accounting, NoteKind};
use crate::log::error::LogError;
use crate::log::options::ColumnNames;
use crate::model::decode::did_you_mean;

/// One field of an event row, with its flag and its recognised names (first match wins).
struct Field {
    what: &'static str,
    flag: &'static str,
    names: &'static [&'static str],
}

const CASE: Field = Field {
    what: "ticket (case) id",
    flag: "case",
    names: &[
        "case:concept:name",
        "case_id",
        "caseid",
        "case",
        "case:id",
        "ticket_id",
        "ticket",
        "ticket_no",
        "工单编号",
        "工单号",
        "工单流水号",
    ],
};
const ACTIVITY: Field = Field {
    what: "activity",
    flag: "activity",
    names: &["concept:name", "activity", "activity_name", "event", "step", "环节", "处理环节", "环节名称", "活动"],
};
const TIMESTAMP: Field = Field {
    what: "timestamp",
    flag: "timestamp",
    names: &[
        "time:timestamp",
        "timestamp",
        "complete_timestamp",
        "time",
        "end_time",
        "datetime",
        "时间",
        "处理时间",
        "完成时间",
    ],
};
const ROLE: Field = Field {
    what: "department/role",
    flag: "role",
    names: &["org:role", "org:group", "role", "department", "dept", "部门", "处理部门", "角色"],
};
const RESOURCE: Field = Field {
    what: "resource",
    flag: "resource",
    names: &["org:resource", "resource", "agent", "处理人", "坐席", "工号"],
};
const LIFECYCLE: Field =
    Field { what: "lifecycle", flag: "lifecycle-column", names: &["lifecycle:transition", "lifecycle", "transition"] };
const CUSTOMER: Field = Field {
    what: "customer",
    flag: "customer",
    names: &["case:customer", "customer_id", "customer", "客户编号", "客户", "用户号码"],
};
const TIER: Field =
    Field {
        what: "tier", flag: "tier", names: &["case:tier", "tier", "customer_tier", "stars", "星级", "客户星级"]
    };
const CLASS: Field = Field {
    what: "problem class",
    flag: "class",
    names: &["case:class", "class", "problem_class", "问题类别", "问题类型"],
};
const CHANNEL: Field =
    Field { what: "channel", flag: "channel", names: &["case:channel", "channel", "渠道", "受理渠道"] };
const BUSINESS: Field =
    Field { what: "business", flag: "business", names: &["case:business", "business", "业务", "业务类型"] };
const BRAND: Field = Field {
    what: "brand",
    flag: "brand",
    names: &["case:brand", "brand", "customer_brand", "品牌", "客户品牌", "用户品牌"],
};

/// Column indices of the fields found in a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Ticket id.
    pub case: usize,
    /// Activity.
    pub activity: usize,
    /// Timestamp.
    pub timestamp: usize,
    /// Department or role.
    pub role: Option<usize>,
    /// Resource.
    pub resource: Option<usize>,
    /// Lifecycle transition.
    pub lifecycle: Option<usize>,
    /// Customer id.
    pub customer: Option<usize>,
    /// Tier.
    pub tier: Option<usize>,
    /// Problem class.
    pub class: Option<usize>,
    /// Channel.
    pub channel: Option<usize>,
    /// Business.
    pub business: Option<usize>,
    /// Brand (the customer's product brand, which some touchpoints distinguish).
    pub brand: Option<usize>,
}

fn normalise(name: &str) -> String {
    name.trim().trim_start_matches('\u{feff}').to_lowercase().replace([' ', '-'], "_")
}

struct Header<'a> {
    path: &'a Path,
    names: &'a [String],
    normal: Vec<String>,
}

impl Header<'_> {
    fn listing(&self) -> String {
        self.names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    }

    fn position(&self, wanted: &str) -> Option<usize> {
        let w = normalise(wanted);
        self.names.iter().position(|n| n == wanted).or_else(|| self.normal.iter().position(|n| *n == w))
    }

    /// The column of `field`: the user's name must exist; otherwise the first recognised name.
    fn find(&self, field: &Field, given: Option<&String>) -> Result<Option<usize>, LogError> {
        if let Some(name) = given {
            return match self.position(name) {
                Some(i) => Ok(Some(i)),
                None => Err(LogError::UnknownColumn {
                    path: self.path.to_path_buf(),
                    flag: field.flag,
                    name: name.clone(),
                    header: self.listing(),
                    suggestion: did_you_mean(name, self.names.iter().map(String::as_str)).map(str::to_owned),
                }),
            };
        }
        Ok(field.names.iter().find_map(|n| self.position(n)))
    }

    fn require(&self, field: &Field, given: Option<&String>) -> Result<usize, LogError> {
        self.find(field, given)?.ok_or_else(|| LogError::MissingColumn {
            path: self.path.to_path_buf(),
            what: field.what,
            flag: field.flag,
            header: self.listing(),
            suggestion: field
                .names
                .iter()
                .find_map(|n| did_you_mean(n, self.normal.iter().map(String::as_str)))
                .and_then(|n| self.normal.iter().position(|m| m == n))
                .map(|i| self.names[i].clone()),
        })
    }
}

impl Columns {
    /// Resolves the columns of `names` (the header of `path`), noting repeated names in `acc`.
    pub fn resolve(
        path: &Path,
        names: &[String],
        given: &ColumnNames,
        acc: &mut Accounting,
    ) -> Result<Columns, LogError> {
        let header = Header { path, names, normal: names.iter().map(|n| normalise(n)).collect() };
        for (i, n) in header.normal.iter().enumerate() {
            if let Some(first) = header.normal[..i].iter().position(|m| m == n) {
                acc.note(NoteKind::RepeatedColumn, 1, || {
                    format!(
                        "column {} repeats the name `{}` of column {}; column {} is used",
                        i + 1,
                        names[i],
                        first + 1,
                        first + 1
                    )
                });
            }
        }
        let columns = Columns {
            case: header.require(&CASE, given.case.as_ref())?,
            activity: header.require(&ACTIVITY, given.activity.as_ref())?,
            timestamp: header.require(&TIMESTAMP, given.timestamp.as_ref())?,
            role: header.find(&ROLE, given.role.as_ref())?,
            resource: header.find(&RESOURCE, given.resource.as_ref())?,
            lifecycle: header.find(&LIFECYCLE, given.lifecycle.as_ref())?,
            customer: header.find(&CUSTOMER, given.customer.as_ref())?,
            tier: header.find(&TIER, given.tier.as_ref())?,
            class: header.find(&CLASS, given.class.as_ref())?,
            channel: header.find(&CHANNEL, given.channel.as_ref())?,
            business: header.find(&BUSINESS, given.business.as_ref())?,
            brand: header.find(&BRAND, given.brand.as_ref())?,
        };
        Ok(columns)
    }

    /// Whether any ticket-level column (customer, tier, class, channel, business, brand) is present.
    pub fn has_case_fields(&self) -> bool {
        self.case_fields().iter().any(Option::is_some)
    }

    /// The ticket-level columns: customer, tier, class, channel, business, brand.
    pub fn case_fields(&self) -> [Option<usize>; 6] {
        [self.customer, self.tier, self.class, self.channel, self.business, self.brand]
    }

    /// Every used column with the name of the field it holds, in field order.
    pub fn used(&self) -> Vec<(&'static str, usize)> {
        let mut v = vec![("case", self.case), ("activity", self.activity), ("timestamp", self.timestamp)];
        for (name, col) in [
            ("role", self.role),
            ("resource", self.resource),
            ("lifecycle", self.lifecycle),
            ("customer", self.customer),
            ("tier", self.tier),
            ("class", self.class),
            ("channel", self.channel),
            ("business", self.business),
            ("brand", self.brand),
        ] {
            if let Some(c) = col {
                v.push((name, c));
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Columns;
    use crate::log::accounting::Accounting;
    use crate::log::options::ColumnNames;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|&s| s.to_owned()).collect()
    }

    #[test]
    fn recognises_helpdesk_and_xes_style_names() {
        let mut acc = Accounting::default();
        let h = header(&["Case ID", "Activity", "Resource", "Complete Timestamp", "Variant", "Variant", "customer"]);
        let c = Columns::resolve(Path::new("h.csv"), &h, &ColumnNames::default(), &mut acc).unwrap();
        assert_eq!((c.case, c.activity, c.timestamp, c.resource, c.customer), (0, 1, 3, Some(2), Some(6)));
        assert_eq!(acc.notes.values().map(|t| t.count).sum::<u64>(), 1);
        let h = header(&["case:concept:name", "concept:name", "time:timestamp", "org:resource", "org:role"]);
        let c = Columns::resolve(Path::new("x.csv"), &h, &ColumnNames::default(), &mut acc).unwrap();
        assert_eq!((c.case, c.activity, c.timestamp, c.resource, c.role), (0, 1, 2, Some(3), Some(4)));
    }

    #[test]
    fn a_named_column_must_exist_and_a_missing_one_says_which_flag() {
        let mut acc = Accounting::default();
        let h = header(&["工单编号", "环节", "时间", "处理部门"]);
        let given = ColumnNames { role: Some("部门名称".into()), ..ColumnNames::default() };
        let e = Columns::resolve(Path::new("g.csv"), &h, &given, &mut acc).unwrap_err().to_string();
        assert!(e.contains("--role `部门名称` is not a column"), "{e}");
        let h = header(&["ticket", "step"]);
        let e = Columns::resolve(Path::new("g.csv"), &h, &ColumnNames::default(), &mut acc).unwrap_err().to_string();
        assert!(e.contains("no timestamp column") && e.contains("--timestamp COLUMN"), "{e}");
    }

    #[test]
    fn recognises_the_brand_beside_business_and_channel() {
        let mut acc = Accounting::default();
        for (name, at) in [("brand", 3), ("Brand", 3), ("case:brand", 3), ("品牌", 3), ("客户品牌", 3)] {
            let h = header(&["工单编号", "环节", "时间", name, "业务类型", "受理渠道"]);
            let c = Columns::resolve(Path::new("b.csv"), &h, &ColumnNames::default(), &mut acc).unwrap();
            assert_eq!((c.brand, c.business, c.channel), (Some(at), Some(4), Some(5)), "{name}");
            assert!(c.has_case_fields());
            assert!(c.used().contains(&("brand", at)), "{name}");
        }
        let h = header(&["case", "activity", "time", "业务"]);
        let c = Columns::resolve(Path::new("b.csv"), &h, &ColumnNames::default(), &mut acc).unwrap();
        assert_eq!(c.brand, None, "no brand column, no brand");
        let h = header(&["case", "activity", "time", "品牌名称"]);
        let given = ColumnNames { brand: Some("品牌名称".into()), ..ColumnNames::default() };
        assert_eq!(Columns::resolve(Path::new("b.csv"), &h, &given, &mut acc).unwrap().brand, Some(3));
        let given = ColumnNames { brand: Some("brand_name".into()), ..ColumnNames::default() };
        let e = Columns::resolve(Path::new("b.csv"), &h, &given, &mut acc).unwrap_err().to_string();
        assert!(e.contains("--brand `brand_name` is not a column"), "{e}");
    }
}
