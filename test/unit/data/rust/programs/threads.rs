#[path = "../truth.rs"]
mod truth;
use std::sync::{Arc, Barrier};
use tracing::{info, info_span};

fn main() {
    let _g = truth::guard();
    truth::init();
    let root = info_span!("batch", size = 3);
    let barrier = Arc::new(Barrier::new(3));
    let mut hs = Vec::new();
    for i in 0..3u32 {
        let b = barrier.clone();
        let parent = root.clone();
        let builder = if i < 2 { std::thread::Builder::new().name(format!("worker-{i}")) } else { std::thread::Builder::new() };
        hs.push(builder.spawn(move || {
            let _w = info_span!(parent: &parent, "work").entered();
            b.wait();
            info!(step = 1, "started");
            b.wait();
            {
                let _j = info_span!("job", n = i).entered();
                info!("inside job");
                b.wait();
            }
            b.wait();
            info!(step = 2, "finished");
            b.wait();
        }).unwrap());
    }
    for h in hs { h.join().unwrap(); }
    drop(root);
    info!("all done");
}
