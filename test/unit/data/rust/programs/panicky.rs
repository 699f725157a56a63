#[path = "../truth.rs"]
mod truth;
use tracing::{info, info_span};

fn main() {
    let _g = truth::guard();
    truth::init();
    let _outer = info_span!("request", id = 9).entered();
    let _inner = info_span!("handler").entered();
    info!("about to fail");
    let v: Vec<u32> = Vec::new();
    println!("value {}", v[3]);
}
