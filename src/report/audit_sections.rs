//! The monthly audit's sections, format-neutral: each a title, a few sentences, typed tables
//! ([`Sheet`]) and pictures (SVG). The HTML page, the Markdown file, the workbook and the CSV
//! files are all written from these, so every format shows the same figures.
//!
//! Owns [`Section`], [`BenchmarkRow`], [`TrendPoint`] and [`sections`]. A new figure is one row
//! or one sheet here. O(processes x rows shown).

use serde::{Deserialize, Serialize};

use crate::model::benchmarks::{Benchmarks, Bound, TOLERANCE};
use crate::render::chart::{Chart, Series, line_chart};
use crate::report::audit::{Audit, Summary};
use crate::report::sheet::{Cell, Sheet};

/// One section of the report.
#[derive(Debug, Clone)]
pub struct Section {
    /// Its anchor and file stem.
    pub id: &'static str,
    /// Its title.
    pub title: String,
    /// Sentences above the tables.
    pub text: Vec<String>,
    /// Its tables.
    pub sheets: Vec<Sheet>,
    /// Its pictures: caption and SVG.
    pub pictures: Vec<(String, String)>,
}

/// A benchmark value and the month's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkRow {
    /// The metric's key.
    pub metric: String,
    /// The process, or none for the whole centre.
    pub process: Option<String>,
    /// Its label in the audit's language.
    pub name: String,
    /// `at_least` or `at_most`.
    pub bound: String,
    /// The target.
    pub target: f64,
    /// The month's value; `None`: not measured.
    pub value: Option<f64>,
    /// Met, missed, or `None` when not measured.
    pub passed: Option<bool>,
}

impl BenchmarkRow {
    /// Whether `value` meets this row's target, as the benchmark file's rules judge it.
    pub fn passes(&self, value: f64) -> bool {
        let bound = if self.bound == Bound::AtLeast(0.0).key() {
            Bound::AtLeast(self.target)
        } else {
            Bound::AtMost(self.target)
        };
        bound.margin(value) >= -TOLERANCE
    }
}

/// The month's benchmark results, in file order.
pub fn benchmark_rows(b: &Benchmarks, audit: &Audit) -> Vec<BenchmarkRow> {
    b.evaluate(|m, p| audit.metric(m, p))
        .into_iter()
        .map(|o| {
            let r = o.benchmark;
            let name = if audit.zh { r.name_zh.clone().or_else(|| r.name.clone()) } else { r.name.clone() };
            BenchmarkRow {
                metric: r.metric.as_str().to_owned(),
                process: r.process.clone(),
                name: name.unwrap_or_else(|| r.label()),
                bound: r.bound.key().to_owned(),
                target: r.bound.target(),
                value: o.value,
                passed: o.passed,
            }
        })
        .collect()
}

/// One earlier (or this) month, from its `summary.json`.
pub type TrendPoint = Summary;

/// Words in the audit's language.
fn t(zh: bool, zh_text: &'static str, en_text: &'static str) -> &'static str {
    if zh { zh_text } else { en_text }
}

fn opt_pct(x: Option<f64>) -> Cell {
    x.map_or(Cell::Empty, Cell::Pct)
}

fn opt_num(x: Option<f64>) -> Cell {
    x.map_or(Cell::Empty, Cell::Num)
}

fn int(n: u64) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Every section of the month, in reading order.
pub fn sections(a: &Audit, benchmarks: &[BenchmarkRow], trends: &[TrendPoint]) -> Vec<Section> {
    vec![
        overview(a, benchmarks),
        monitoring(a, benchmarks),
        conformance(a),
        time_limits(a),
        loopbacks(a),
        bottlenecks(a),
        repeats(a),
        touchpoints(a),
        data_quality(a),
        trend_section(a, trends),
    ]
}

fn overview(a: &Audit, benchmarks: &[BenchmarkRow]) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new("overview", t(zh, "总览", "Overview"), &[t(zh, "指标", "figure"), t(zh, "数值", "value")]);
    s.push(vec![text(t(zh, "当月工单", "tickets opened in the month")), int(a.tickets)]);
    s.push(vec![text(t(zh, "已分流到流程", "routed to a process")), int(a.routing.routed)]);
    s.push(vec![text(t(zh, "流程符合率", "conformance rate")), opt_pct(a.conformance_rate())]);
    s.push(vec![text(t(zh, "日志拟合度", "fitness")), opt_pct(a.fitness())]);
    s.push(vec![text(t(zh, "时限达标率", "time-limit compliance")), opt_pct(a.limit_compliance())]);
    s.push(vec![
        text(t(zh, "投诉率（投诉工单 / 接触量）", "complaint rate (complaint tickets / contacts)")),
        opt_pct(a.metric(crate::model::benchmarks::Metric::ComplaintRate, None)),
    ]);
    let missed = benchmarks.iter().filter(|b| b.passed == Some(false)).count() as u64;
    let met = benchmarks.iter().filter(|b| b.passed == Some(true)).count() as u64;
    s.push(vec![text(t(zh, "标杆值达成", "benchmark values met")), int(met)]);
    s.push(vec![text(t(zh, "标杆值未达成", "benchmark values missed")), int(missed)]);
    let mut b = Sheet::new(
        "benchmarks",
        t(zh, "标杆值", "Benchmark values"),
        &[
            t(zh, "指标", "metric"),
            t(zh, "流程", "process"),
            t(zh, "要求", "bound"),
            t(zh, "标杆值", "target"),
            t(zh, "当月", "this month"),
            t(zh, "结果", "result"),
        ],
    );
    for r in benchmarks {
        let share =
            crate::model::benchmarks::Metric::parse(&r.metric).is_some_and(crate::model::benchmarks::Metric::is_share);
        let cell = |x: f64| if share { Cell::Pct(x) } else { Cell::Num(x) };
        let result = match r.passed {
            Some(true) => t(zh, "达成", "met"),
            Some(false) => t(zh, "未达成", "MISSED"),
            None => t(zh, "未测量", "not measured"),
        };
        let bound = if r.bound == "at_least" { t(zh, "不低于", "at least") } else { t(zh, "不高于", "at most") };
        let process = r
            .process
            .as_ref()
            .map(|id| a.processes.iter().find(|p| &p.id == id).map_or(id.as_str(), |p| p.name.as_str()));
        b.push(vec![
            text(r.name.clone()),
            text(process.unwrap_or(t(zh, "全中心", "centre"))),
            text(bound),
            cell(r.target),
            r.value.map_or(Cell::Empty, cell),
            text(result),
        ]);
    }
    let mut fix = Sheet::new(
        "fix-first",
        t(zh, "优先整改", "What to fix first"),
        &[t(zh, "发现", "finding"), t(zh, "工单", "tickets"), t(zh, "小时", "hours"), t(zh, "章节", "section")],
    );
    for f in a.fix_first() {
        fix.push(vec![
            text(f.what),
            int(f.tickets),
            f.hours.map_or(Cell::Empty, Cell::Hours),
            text(format!("#{}", f.section)),
        ]);
    }
    let mut text_lines = vec![if zh {
        format!("{} 月共 {} 张工单，{} 张分流到流程稽核。", a.month, a.tickets, a.routing.routed)
    } else {
        format!("{}: {} tickets opened, {} routed to their process and audited.", a.month, a.tickets, a.routing.routed)
    }];
    if a.routing.blind_spot + a.routing.unrouted > 0 {
        text_lines.push(if zh {
            format!("{} 张盲点工单、{} 张无法分流的工单未稽核，整体指标不含它们（见触点覆盖）。", a.routing.blind_spot, a.routing.unrouted)
        } else {
            format!(
                "{} blind-spot and {} unrouted tickets are not audited; the figures above leave them out (see touchpoint coverage).",
                a.routing.blind_spot, a.routing.unrouted
            )
        });
    }
    let s = match bad_data_note(a) {
        Some(n) => s.with_note(n),
        None => s,
    };
    Section {
        id: "overview",
        title: t(zh, "总览与优先整改", "Overview and what to fix first").to_owned(),
        text: text_lines,
        sheets: vec![s, fix, b],
        pictures: Vec::new(),
    }
}

/// What the figures rest on when the data has problems: rejected rows and events whose label
/// names no step (they count as unexpected steps). `None` when the data is clean.
fn bad_data_note(a: &Audit) -> Option<String> {
    let unmapped: u64 = a.processes.iter().filter_map(|p| p.quality.unmapped_events).sum();
    let rejected = a.quality.rows_rejected;
    if unmapped == 0 && rejected == 0 {
        return None;
    }
    Some(if a.zh {
        format!(
            "注意：这些数字基于有问题的数据：{rejected} 行日志被拒收，{unmapped} 个事件的标签不对应流程步骤（按计划外步骤计）；见数据质量。"
        )
    } else {
        format!(
            "Note: these figures rest on imperfect data: {rejected} log rows rejected, {unmapped} events whose label names no step (counted as unexpected steps); see data quality."
        )
    })
}

fn monitoring(a: &Audit, benchmarks: &[BenchmarkRow]) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new(
        "monitoring",
        t(zh, "四项监控机制", "The four monitoring mechanisms"),
        &[
            t(zh, "流程", "process"),
            t(zh, "实地运用（抽查合格率）", "field application (inspections passed)"),
            t(zh, "运用轨迹（符合率）", "usage trace (conformance)"),
            t(zh, "运用轨迹（拟合度）", "usage trace (fitness)"),
            t(zh, "组织符合度", "organisational conformance"),
            t(zh, "流程规范率标杆值", "compliance-rate benchmark"),
            t(zh, "达标", "met"),
        ],
    );
    for p in &a.processes {
        let bench = benchmarks
            .iter()
            .filter(|b| b.metric == "conformance_rate")
            .find(|b| b.process.as_deref() == Some(&p.id))
            .or_else(|| benchmarks.iter().find(|b| b.metric == "conformance_rate" && b.process.is_none()));
        let field = a.inspections.get(&p.id).map(|(inspected, ok)| crate::report::figures::share(*ok, *inspected));
        s.push(vec![
            text(p.name.clone()),
            field.flatten().map_or(Cell::Empty, Cell::Pct),
            Cell::Pct(p.outcome.conformance_rate),
            Cell::Pct(p.conformance.log_fitness),
            opt_pct(p.department.as_ref().and_then(|d| d.organisational_conformance.rate)),
            bench.map_or(Cell::Empty, |b| Cell::Pct(b.target)),
            text(match bench.map(|b| b.passes(p.outcome.conformance_rate)) {
                Some(true) => t(zh, "是", "yes"),
                Some(false) => t(zh, "否", "NO"),
                None => "",
            }),
        ]);
    }
    let note = if a.inspections.is_empty() {
        t(
            zh,
            "实地运用：本月未提供现场抽查结果（--inspections FILE）。",
            "Field application: no on-site inspection results were given (--inspections FILE).",
        )
    } else {
        t(zh, "实地运用：现场抽查结果合格数 / 抽查数。", "Field application: inspections passed / inspections made.")
    };
    Section {
        id: "monitoring",
        title: t(zh, "四项监控机制", "The four monitoring mechanisms").to_owned(),
        text: vec![
            t(zh, "实地运用、运用轨迹（来自最优对齐）、组织符合度（负责部门完成的步骤占比）和流程规范率（对照标杆值）。",
              "Field application, usage trace (from the optimal alignments), organisational conformance (steps done by the owning department) and the compliance rate against the benchmark values.")
                .to_owned(),
            note.to_owned(),
        ],
        sheets: vec![s],
        pictures: Vec::new(),
    }
}

fn conformance(a: &Audit) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new(
        "conformance",
        t(zh, "各流程符合情况", "Conformance per process"),
        &[
            t(zh, "流程", "process"),
            t(zh, "工单", "tickets"),
            t(zh, "符合率", "conformance rate"),
            t(zh, "拟合度", "fitness"),
            t(zh, "未计算", "not computed"),
            t(zh, "变体", "variants"),
        ],
    );
    let mut dev = Sheet::new(
        "deviations",
        t(zh, "主要偏差", "Top deviations"),
        &[t(zh, "流程", "process"), t(zh, "偏差模式", "deviation pattern"), t(zh, "工单", "tickets")],
    );
    let mut var = Sheet::new(
        "variants",
        t(zh, "主要变体", "Top variants"),
        &[t(zh, "流程", "process"), t(zh, "步骤序列", "steps"), t(zh, "工单", "tickets")],
    );
    let mut pictures = Vec::new();
    for p in &a.processes {
        let c = &p.conformance;
        s.push(vec![
            text(p.name.clone()),
            int(c.cases),
            Cell::Pct(c.conformance_rate),
            Cell::Pct(c.log_fitness),
            int(c.not_computed),
            int(c.variants),
        ]);
        for x in p.patterns.iter().take(5) {
            dev.push(vec![text(p.name.clone()), text(x.pattern.clone()), int(x.tickets)]);
        }
        for (steps, n) in p.variants.iter().take(5) {
            var.push(vec![text(p.name.clone()), text(steps.join(" → ")), int(*n)]);
        }
        if let Some(svg) = &p.map_svg {
            let caption = if zh {
                format!("{}：本月偏差画在设计图上", p.name)
            } else {
                format!("{}: the month's deviations on the design", p.name)
            };
            pictures.push((caption, svg.clone()));
        }
    }
    let s = match bad_data_note(a) {
        Some(n) => s.with_note(n),
        None => s,
    };
    Section {
        id: "conformance",
        title: t(zh, "流程符合情况、偏差与变体", "Conformance, deviations and variants").to_owned(),
        text: vec![
            t(
                zh,
                "每张工单按其触点对应的流程做最优对齐。",
                "Each ticket is aligned optimally with the process its touchpoint names.",
            )
            .to_owned(),
        ],
        sheets: vec![s, dev, var],
        pictures,
    }
}

fn time_limits(a: &Audit) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new(
        "time-limits",
        t(zh, "时限（按客户星级 × 问题类别）", "Time limits by tier x class"),
        &[
            t(zh, "流程", "process"),
            t(zh, "规则", "rule"),
            t(zh, "星级", "tier"),
            t(zh, "类别", "class"),
            t(zh, "工单", "tickets"),
            t(zh, "达标", "met"),
            t(zh, "超时", "breached"),
            t(zh, "未结", "open"),
            t(zh, "达标率", "compliance"),
        ],
    );
    let mut warn = Sheet::new(
        "early-warning",
        t(zh, "预警（月末未结工单）", "Early warning (open at the month's end)"),
        &[t(zh, "流程", "process"), t(zh, "已超时", "overdue"), t(zh, "临近超时", "at risk")],
    );
    for p in &a.processes {
        let Some(r) = &p.sla else { continue };
        for row in &r.compliance {
            s.push(vec![
                text(p.name.clone()),
                text(row.rule.clone()),
                Cell::Int(i64::from(row.tier)),
                text(row.class.clone()),
                int(row.tickets),
                int(row.met),
                int(row.breached),
                int(row.open),
                opt_pct(row.rate),
            ]);
        }
        warn.push(vec![text(p.name.clone()), int(r.overdue_total), int(r.at_risk_total)]);
    }
    Section {
        id: "time-limits",
        title: t(zh, "时限与预警", "Time limits and early warnings").to_owned(),
        text: vec![t(
            zh,
            "时限按工作日历计算；月末仍未结的工单计至月末，超过 80 % 时限即为临近超时。",
            "Limits count on working calendars; tickets open at the month's end are measured to it and are at risk past 80 % of their limit.",
        )
        .to_owned()],
        sheets: vec![s, warn],
        pictures: Vec::new(),
    }
}

fn loopbacks(a: &Audit) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new(
        "loopbacks",
        t(zh, "回环与交接", "Loop-backs and hand-offs"),
        &[
            t(zh, "流程", "process"),
            t(zh, "每单交接", "hand-offs per ticket"),
            t(zh, "每单部门折返", "returns per ticket"),
            t(zh, "每单回环", "loop-backs per ticket"),
            t(zh, "每单未设计回环", "undesigned per ticket"),
            t(zh, "有未设计回环的工单", "tickets with undesigned"),
        ],
    );
    for p in &a.processes {
        let o = &p.outcome;
        s.push(vec![
            text(p.name.clone()),
            opt_num(o.handoffs_per_ticket),
            opt_num(o.returns_per_ticket),
            opt_num(o.loopbacks_per_ticket),
            opt_num(o.undesigned_loopbacks_per_ticket),
            p.department.as_ref().map_or(Cell::Empty, |d| int(d.loopbacks.tickets_with_undesigned)),
        ]);
    }
    let mut sheets = vec![s];
    let mut text_lines = Vec::new();
    if let Some(c) = &a.compare {
        let table = c.table(zh);
        let mut cmp = Sheet::new("linear-vs-flat", t(zh, "线性与扁平化流程对比", "Linear vs flattened"), &[]);
        cmp.headers.clone_from(&table.headers);
        for row in &table.rows {
            cmp.push(row.iter().map(|x| text(x.clone())).collect());
        }
        sheets.push(cmp.with_note(crate::report::compare::CompareReport::difference_note(zh)));
        text_lines.push(
            t(
                zh,
                "本月两种投诉流程都在运行：下表对比设计与实际。",
                "Both complaint designs ran this month: the table compares design and practice.",
            )
            .to_owned(),
        );
    }
    Section {
        id: "loopbacks",
        title: t(zh, "回环、交接与线性/扁平化对比", "Loop-backs, hand-offs, linear vs flattened").to_owned(),
        text: text_lines,
        sheets,
        pictures: Vec::new(),
    }
}

fn bottlenecks(a: &Audit) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new(
        "bottlenecks",
        t(zh, "瓶颈（工单在此步骤前等待）", "Bottlenecks (where tickets wait)"),
        &[
            t(zh, "流程", "process"),
            t(zh, "步骤", "step"),
            t(zh, "等待小时合计", "waiting hours"),
            t(zh, "占处理时长", "share of throughput"),
            t(zh, "等待中位数（小时）", "median wait h"),
        ],
    );
    for p in &a.processes {
        let Some(r) = &p.sla else { continue };
        for step in r.bottlenecks.ranking.iter().take(3) {
            s.push(vec![
                text(p.name.clone()),
                text(step.step.clone()),
                Cell::Hours(step.waiting_hours),
                opt_pct(step.share_of_throughput),
                step.waiting.as_ref().map_or(Cell::Empty, |w| Cell::Hours(w.median)),
            ]);
        }
    }
    Section {
        id: "bottlenecks",
        title: t(zh, "瓶颈", "Bottlenecks").to_owned(),
        text: Vec::new(),
        sheets: vec![s],
        pictures: Vec::new(),
    }
}

fn repeats(a: &Audit) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new(
        "repeats",
        t(zh, "重复投诉与升级", "Repeat and escalated complaints"),
        &[
            t(zh, "流程", "process"),
            t(zh, "重复", "repeats"),
            t(zh, "重复率", "repeat rate"),
            t(zh, "升级", "escalated"),
            t(zh, "升级率", "escalation rate"),
        ],
    );
    for p in &a.processes {
        let Some(d) = &p.department else { continue };
        if p.id.contains("complaint") || d.escalations.configured {
            s.push(vec![
                text(p.name.clone()),
                int(d.repeat_complaints.repeats),
                opt_pct(d.repeat_complaints.rate),
                int(d.escalations.escalated),
                opt_pct(d.escalations.rate),
            ]);
        }
    }
    Section {
        id: "repeats",
        title: t(zh, "重复投诉与升级投诉", "Repeat and escalated complaints").to_owned(),
        text: Vec::new(),
        sheets: vec![s],
        pictures: Vec::new(),
    }
}

fn touchpoints(a: &Audit) -> Section {
    let zh = a.zh;
    let r = &a.routing;
    let mut s = Sheet::new(
        "touchpoints",
        t(zh, "触点覆盖", "Touchpoint coverage"),
        &[t(zh, "去向", "where"), t(zh, "工单", "tickets")],
    );
    for (p, n) in &r.per_process {
        s.push(vec![text(p.clone()), int(*n)]);
    }
    for (code, n) in &r.blind_spots {
        s.push(vec![text(format!("{} {code}", t(zh, "盲点", "blind spot"))), int(*n)]);
    }
    for (reason, n) in &r.unrouted_by_reason {
        s.push(vec![text(format!("{}: {reason}", t(zh, "未分流", "unrouted"))), int(*n)]);
    }
    let mut per = Sheet::new(
        "per-touchpoint",
        t(zh, "各触点工单", "Tickets per touchpoint"),
        &[t(zh, "触点编码", "touchpoint"), t(zh, "工单", "tickets")],
    );
    for (code, n) in &r.per_touchpoint {
        per.push(vec![text(code.clone()), int(*n)]);
    }
    let line = if r.by_touchpoint {
        t(
            zh,
            "每张工单按业务 × 渠道（× 品牌）触点分流到其流程；没有流程的触点是盲点。",
            "Each ticket is routed by its business x channel (x brand) touchpoint; a touchpoint without a process is a blind spot.",
        )
    } else {
        t(
            zh,
            "本次按 --process 指定的单一流程稽核，未按触点分流。",
            "Every ticket was audited against the one process --process names; no routing.",
        )
    };
    Section {
        id: "touchpoints",
        title: t(zh, "触点覆盖与盲点工单", "Touchpoint coverage and blind spots").to_owned(),
        text: vec![line.to_owned()],
        sheets: vec![s, per],
        pictures: Vec::new(),
    }
}

fn data_quality(a: &Audit) -> Section {
    let zh = a.zh;
    let q = &a.quality;
    let mut s =
        Sheet::new("data-quality", t(zh, "数据质量", "Data quality"), &[t(zh, "项目", "item"), t(zh, "数量", "count")]);
    s.push(vec![text(t(zh, "读取行数", "rows read")), int(q.rows_read)]);
    s.push(vec![text(t(zh, "拒收行数", "rows rejected")), int(q.rows_rejected)]);
    for (reason, n) in &q.rejected_by_reason {
        s.push(vec![text(format!("  {}", reason.as_str())), int(*n)]);
    }
    s.push(vec![text(t(zh, "其他月份的工单（未计入）", "tickets of other months (left out)")), int(a.other_months)]);
    s.push(vec![text(t(zh, "无时间戳的工单（未计入）", "tickets without timestamps (left out)")), int(a.untimed)]);
    let mut labels = Sheet::new(
        "unmapped",
        t(zh, "未映射的标签与部门", "Unmapped labels and departments"),
        &[t(zh, "流程", "process"), t(zh, "类型", "kind"), t(zh, "标签", "label"), t(zh, "事件", "events")],
    );
    for p in &a.processes {
        for l in &p.quality.unmapped_labels {
            labels.push(vec![text(p.name.clone()), text(t(zh, "步骤", "step")), text(l.label.clone()), int(l.events)]);
        }
        for d in &p.quality.unmapped_departments {
            labels.push(vec![
                text(p.name.clone()),
                text(t(zh, "部门", "department")),
                text(d.label.clone()),
                int(d.events),
            ]);
        }
    }
    Section {
        id: "data-quality",
        title: t(zh, "数据质量", "Data quality").to_owned(),
        text: Vec::new(),
        sheets: vec![s, labels],
        pictures: Vec::new(),
    }
}

fn trend_section(a: &Audit, trends: &[TrendPoint]) -> Section {
    let zh = a.zh;
    let mut s = Sheet::new(
        "trends",
        t(zh, "逐月趋势", "Month over month"),
        &[
            t(zh, "月份", "month"),
            t(zh, "工单", "tickets"),
            t(zh, "符合率", "conformance rate"),
            t(zh, "拟合度", "fitness"),
            t(zh, "时限达标率", "time-limit compliance"),
            t(zh, "盲点工单", "blind-spot tickets"),
        ],
    );
    for m in trends {
        s.push(vec![
            text(m.month.clone()),
            int(m.tickets),
            opt_pct(m.conformance_rate),
            opt_pct(m.fitness),
            opt_pct(m.limit_compliance),
            int(m.routing.blind_spot),
        ]);
    }
    let mut pictures = Vec::new();
    if trends.len() >= 2 {
        let months: Vec<String> = trends.iter().map(|m| m.month.clone()).collect();
        let mut ids: Vec<&str> = trends.iter().flat_map(|m| m.processes.iter().map(|p| p.id.as_str())).collect();
        ids.sort_unstable();
        ids.dedup();
        let series = ids
            .iter()
            .map(|id| Series {
                name: (*id).to_owned(),
                points: trends
                    .iter()
                    .map(|m| (m.month.clone(), m.processes.iter().find(|p| p.id == *id).map(|p| p.conformance_rate)))
                    .collect(),
            })
            .collect();
        let chart = Chart {
            title: t(zh, "各流程符合率", "Conformance rate per process").to_owned(),
            y_label: t(zh, "符合率", "conformance").to_owned(),
            percent: true,
            target: None,
            series,
        };
        pictures.push((
            t(zh, "各流程符合率逐月变化", "Conformance rate per process, month over month").to_owned(),
            line_chart(&chart),
        ));
        let overall = Chart {
            title: t(zh, "全中心", "Whole centre").to_owned(),
            y_label: t(zh, "比例", "share").to_owned(),
            percent: true,
            target: None,
            series: vec![
                Series {
                    name: t(zh, "符合率", "conformance").to_owned(),
                    points: months.iter().cloned().zip(trends.iter().map(|m| m.conformance_rate)).collect(),
                },
                Series {
                    name: t(zh, "时限达标率", "time-limit compliance").to_owned(),
                    points: months.iter().cloned().zip(trends.iter().map(|m| m.limit_compliance)).collect(),
                },
            ],
        };
        pictures.push((
            t(zh, "全中心符合率与时限达标率", "Centre conformance and time-limit compliance").to_owned(),
            line_chart(&overall),
        ));
    }
    let line = if trends.len() < 2 {
        t(
            zh,
            "输出目录中没有更早月份的 summary.json：下个月起显示趋势。",
            "No earlier month's summary.json in the output folder: trends start next month.",
        )
    } else {
        t(zh, "来自输出目录中各月的 summary.json。", "From each month's summary.json in the output folder.")
    };
    Section {
        id: "trends",
        title: t(zh, "趋势", "Trends").to_owned(),
        text: vec![line.to_owned()],
        sheets: vec![s],
        pictures,
    }
}
