use flowaudit::log::intern::Interner;
use std::time::Instant;
fn main() {
    let labels: Vec<String> = (0..14).map(|i| format!("诊断并制定解决方案{i}")).collect();
    let mut i = Interner::new();
    let t = Instant::now();
    let mut acc = 0u64;
    for n in 0..9_000_000usize {
        acc += u64::from(i.intern(&labels[n % 14]).0);
    }
    println!("small: {:?} {acc}", t.elapsed());
    let mut c = Interner::new();
    let t = Instant::now();
    for n in 0..1_000_000usize {
        acc += u64::from(c.intern(&format!("T2610-{n:07}")).0);
    }
    println!("1M distinct: {:?} {acc}", t.elapsed());
}
