// The tutorial's checkout with Rust `tracing`: spans print a close line with their timings
// (FmtSpan::NEW | FmtSpan::CLOSE), which Span Lens reads. #[instrument] marks where each starts.
use std::{thread, time::Duration};
use tracing::{info, instrument};
use tracing_subscriber::fmt::format::FmtSpan;

#[instrument]
fn load_cart(user_id: u64) -> Vec<&'static str> {
    thread::sleep(Duration::from_millis(15));
    vec!["A1"]
}

#[instrument]
fn charge(amount: f64) {
    info!("calling payment provider");
    thread::sleep(Duration::from_millis(30));
}

fn main() {
    tracing_subscriber::fmt()
        .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
        .with_ansi(false)
        .init();
    let span = tracing::info_span!("checkout", user.id = 42);
    let _guard = span.enter();
    load_cart(42);
    charge(19.99);
    drop(_guard);
    drop(span);
    println!("order placed");
}
