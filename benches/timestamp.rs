//! The timestamp fast path against chrono's parsers, on 1,000 realistic timestamps per layout
//! (a month of a hotline, random seconds, in random order). Run with
//! `cargo bench --bench timestamp`; each result is for 1,000 timestamps, so µs per iteration
//! read as ns per timestamp.

use std::hint::black_box;

use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::{Asia, Tz};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flowaudit::log::timestamp::TimeParser;

/// 1,000 instants in March 2024 (seconds after 2024-03-01T00:00 local, milliseconds), shuffled.
fn instants() -> Vec<(i64, u32)> {
    let mut x = 0x2545_F491_4F6C_DD1D_u64;
    (0..1000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (i64::try_from(x % (31 * 86_400)).unwrap(), u32::try_from((x >> 32) % 1000).unwrap())
        })
        .collect()
}

/// The instants written with `format` (chrono strftime), reading the seconds as wall time.
fn texts(format: &str) -> Vec<String> {
    let start = DateTime::parse_from_rfc3339("2024-03-01T00:00:00Z").unwrap().timestamp();
    instants()
        .into_iter()
        .map(|(s, ms)| {
            let wall = DateTime::from_timestamp(start + s, ms * 1_000_000).unwrap().naive_utc();
            wall.format(format).to_string()
        })
        .collect()
}

fn rfc3339_with_offset(c: &mut Criterion) {
    let texts = texts("%Y-%m-%dT%H:%M:%S%.3f+08:00");
    let mut g = c.benchmark_group("rfc3339_offset");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("flowaudit", |b| {
        let mut p = TimeParser::new(Tz::UTC, None);
        b.iter(|| texts.iter().map(|t| p.parse(black_box(t)).unwrap().0).sum::<i64>());
    });
    g.bench_function("chrono_parse_from_rfc3339", |b| {
        b.iter(|| {
            texts.iter().map(|t| DateTime::parse_from_rfc3339(black_box(t)).unwrap().timestamp_micros()).sum::<i64>()
        });
    });
    g.bench_function("chrono_parse_from_str", |b| {
        b.iter(|| {
            let f = "%Y-%m-%dT%H:%M:%S%.f%:z";
            texts.iter().map(|t| DateTime::parse_from_str(black_box(t), f).unwrap().timestamp_micros()).sum::<i64>()
        });
    });
    g.finish();
}

fn naive(c: &mut Criterion, name: &str, zone: Tz) {
    let texts = texts("%Y-%m-%d %H:%M:%S");
    let f = "%Y-%m-%d %H:%M:%S";
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("flowaudit", |b| {
        let mut p = TimeParser::new(zone, None);
        b.iter(|| texts.iter().map(|t| p.parse(black_box(t)).unwrap().0).sum::<i64>());
    });
    g.bench_function("flowaudit_with_format", |b| {
        let mut p = TimeParser::new(zone, Some(f.to_owned()));
        b.iter(|| texts.iter().map(|t| p.parse(black_box(t)).unwrap().0).sum::<i64>());
    });
    g.bench_function("chrono_parse_from_str", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    let naive = NaiveDateTime::parse_from_str(black_box(t), f).unwrap();
                    zone.from_local_datetime(&naive).single().unwrap().timestamp_micros()
                })
                .sum::<i64>()
        });
    });
    g.finish();
}

fn naive_utc(c: &mut Criterion) {
    naive(c, "naive_utc", Tz::UTC);
}

fn naive_shanghai(c: &mut Criterion) {
    naive(c, "naive_shanghai", Asia::Shanghai);
}

criterion_group!(benches, rfc3339_with_offset, naive_utc, naive_shanghai);
criterion_main!(benches);
