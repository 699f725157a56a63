#[path = "../truth.rs"]
mod truth;
use std::io::Write;
use tracing::{info, info_span, instrument};

#[instrument]
fn step(n: u32) {
    println!("step {n} says hi");
    if n == 1 { print!("partial without newline "); std::io::stdout().flush().unwrap(); }
    info!(n, "stepping");
}

fn main() {
    let _g = truth::guard();
    truth::init();
    println!("program start");
    println!("{{");
    let _r = info_span!("run", mode = "test").entered();
    println!("}}");
    println!("{{\"timestamp\":\"not a tracing line\"}}");
    println!("key=value looks like a field");
    for n in 0..3 { step(n); }
    info!(detail = %"first line\nsecond line", "multi-line value");
    println!("program end");
}
