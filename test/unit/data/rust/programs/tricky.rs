#[path = "../truth.rs"]
mod truth;
use tracing::{info, info_span, warn};

#[derive(Debug)]
struct Req { id: u32, path: &'static str }

fn main() {
    let _g = truth::guard();
    truth::init();
    let long = "x".repeat(10_000);
    let s = info_span!("tricky", quote = "say \"hi\"", backslash = "a\\b", tab = "a\tb\r\n", uni = "héllo ☃ 😀", esc = "\x1b[31mred\x1b[0m",
        html = "<b>&amp;</b>", empty = "", big = u64::MAX, neg = i64::MIN, nan = f64::NAN, inf = f64::INFINITY, ninf = f64::NEG_INFINITY,
        huge = 1e300, tiny = 1e-7, whole = 3.0f64, yes = true, disp = %"two words", req = ?Req { id: 7, path: "/a}:b" }, later = tracing::field::Empty);
    {
        let _e = s.enter();
        info!(count = 3, name = "x y", "message with \"quotes\" and: colon");
        info!(long = long.as_str(), "long value");
        s.record("later", &5);
        warn!(closing = "brace}:", "after record");
    }
    drop(s);
    {
        let _sql = info_span!("sql", query = %"SELECT *\nFROM t\nWHERE a = 1", db = "main").entered();
        info!(rows = 2, "query done");
    }
    let _n = info_span!("naïve span", k = 1).entered();
    info!("done");
}
