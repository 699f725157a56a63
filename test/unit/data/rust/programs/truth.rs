//! Ground truth for the Span Lens Rust parser tests: a Layer placed before the fmt layer that records
//! what the subscriber itself saw (never the printed text).
#![allow(dead_code)]
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use tracing::field::{Field, Visit};
use tracing::{span, Event, Subscriber};
use tracing_subscriber::{layer::Context, registry::LookupSpan, Layer};

struct Seq(usize);
#[derive(Default)]
struct State { spans: Vec<Value>, outside: Vec<Value>, close: Vec<usize>, appear: Vec<usize> }
static ST: Mutex<Option<State>> = Mutex::new(None);
fn st<R>(f: impl FnOnce(&mut State) -> R) -> R { let mut g = ST.lock().unwrap_or_else(|e| e.into_inner()); f(g.get_or_insert_with(State::default)) }
fn now() -> String { SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos().to_string() }
fn thread() -> (String, Option<String>) { let t = std::thread::current(); (format!("{:?}", t.id()), t.name().map(|s| s.to_string())) }

struct V<'a>(&'a mut Map<String, Value>);
impl<'a> Visit for V<'a> {
    fn record_i64(&mut self, f: &Field, v: i64) { self.0.insert(f.name().into(), json!(v)); }
    fn record_u64(&mut self, f: &Field, v: u64) { self.0.insert(f.name().into(), json!(v)); }
    fn record_bool(&mut self, f: &Field, v: bool) { self.0.insert(f.name().into(), json!(v)); }
    fn record_f64(&mut self, f: &Field, v: f64) {
        let val = if v.is_nan() { json!({"$float": "NaN"}) } else if v.is_infinite() { json!({"$float": if v > 0.0 { "Infinity" } else { "-Infinity" }}) } else { json!(v) };
        self.0.insert(f.name().into(), val);
    }
    fn record_str(&mut self, f: &Field, v: &str) { self.0.insert(f.name().into(), json!(v)); }
    fn record_error(&mut self, f: &Field, v: &(dyn std::error::Error + 'static)) {
        self.0.insert(f.name().into(), json!(v.to_string()));
        let mut chain = Vec::new(); let mut s = v.source();
        while let Some(e) = s { chain.push(e.to_string()); s = e.source(); }
        if !chain.is_empty() { self.0.insert(format!("{}.sources", f.name()), json!(chain)); }
    }
    fn record_debug(&mut self, f: &Field, v: &dyn std::fmt::Debug) { self.0.insert(f.name().into(), json!(format!("{:?}", v))); }
}

pub struct Truth;
pub fn layer() -> Truth { Truth }
impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Truth {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let t = now();
        let span = ctx.span(id).unwrap();
        let parent = span.parent().and_then(|p| p.extensions().get::<Seq>().map(|s| s.0));
        let mut fields = Map::new();
        attrs.record(&mut V(&mut fields));
        let m = attrs.metadata();
        let (tid, tname) = thread();
        let seq = st(|s| { let seq = s.spans.len() + 1; s.spans.push(json!({"seq": seq, "name": m.name(), "parent": parent, "target": m.target(),
            "file": m.file(), "line": m.line(), "thread": tid, "threadName": tname, "start": t, "end": null, "attributes": fields, "events": []})); seq });
        span.extensions_mut().insert(Seq(seq));
    }
    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        if let Some(seq) = ctx.span(id).and_then(|s| s.extensions().get::<Seq>().map(|s| s.0)) {
            st(|s| { let a = s.spans[seq - 1]["attributes"].as_object_mut().unwrap(); values.record(&mut V(a)); });
        }
    }
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let t = now();
        let mut fields = Map::new();
        event.record(&mut V(&mut fields));
        let name = match fields.remove("message") { Some(Value::String(s)) => s, Some(v) => v.to_string(), None => String::new() };
        let owner = ctx.event_span(event).and_then(|s| s.extensions().get::<Seq>().map(|s| s.0));
        let scope: Vec<usize> = ctx.event_scope(event).map(|sc| sc.from_root().filter_map(|s| s.extensions().get::<Seq>().map(|s| s.0)).collect()).unwrap_or_default();
        let ev = json!({"name": name, "time": t, "level": event.metadata().level().to_string(), "attributes": fields});
        st(|s| {
            for q in &scope { if !s.appear.contains(q) { s.appear.push(*q); } }
            match owner { Some(q) => s.spans[q - 1]["events"].as_array_mut().unwrap().push(ev), None => s.outside.push(ev) }
        });
    }
    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let t = now();
        if let Some(seq) = ctx.span(&id).and_then(|s| s.extensions().get::<Seq>().map(|s| s.0)) {
            st(|s| { s.spans[seq - 1]["end"] = json!(t); s.close.push(seq); });
        }
    }
}

pub struct Guard;
pub fn guard() -> Guard { Guard }
impl Drop for Guard { fn drop(&mut self) { dump(); } }
pub fn dump() {
    let Ok(path) = std::env::var("TRUTH") else { return };
    let v = st(|s| json!({"spans": s.spans, "closeOrder": s.close, "appearOrder": s.appear, "outside": s.outside}));
    let _ = std::fs::write(path, serde_json::to_string_pretty(&v).unwrap());
}

/// The fmt layer configured by the MODE environment variable: ansi (default fmt + CLOSE), plain
/// (no ANSI, NEW|CLOSE, thread names and ids, file:line), json (json + CLOSE), default (no span events),
/// bare (CLOSE, no ANSI, no thread info), names (CLOSE, ANSI, thread names only).
pub fn init() {
    use tracing_subscriber::{filter::LevelFilter, fmt, fmt::format::FmtSpan, prelude::*};
    let mode = std::env::var("MODE").unwrap_or_else(|_| "ansi".into());
    let reg = tracing_subscriber::registry().with(layer());
    match mode.as_str() {
        "plain" => reg.with(fmt::layer().with_ansi(false).with_span_events(FmtSpan::NEW | FmtSpan::CLOSE).with_thread_names(true).with_thread_ids(true).with_file(true).with_line_number(true)).with(LevelFilter::INFO).init(),
        "json" => reg.with(fmt::layer().json().with_span_events(FmtSpan::CLOSE)).with(LevelFilter::INFO).init(),
        "jsonthreads" => reg.with(fmt::layer().json().with_span_events(FmtSpan::NEW | FmtSpan::CLOSE).with_thread_ids(true).with_thread_names(true).with_file(true).with_line_number(true)).with(LevelFilter::INFO).init(),
        "default" => reg.with(fmt::layer()).with(LevelFilter::INFO).init(),
        "bare" => reg.with(fmt::layer().with_ansi(false).with_span_events(FmtSpan::CLOSE)).with(LevelFilter::INFO).init(),
        "names" => reg.with(fmt::layer().with_span_events(FmtSpan::CLOSE).with_thread_names(true)).with(LevelFilter::INFO).init(),
        _ => reg.with(fmt::layer().with_span_events(FmtSpan::CLOSE)).with(LevelFilter::INFO).init(),
    }
}
