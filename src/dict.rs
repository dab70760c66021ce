//! The parsed model in the original tool's dictionary layout (`name`, `input`, `layers`
//! `[{type, params, sublayers, device}]`, `loss`, `optimizer`, `training`, `execution`),
//! with positional arguments named through the layer catalog.

use crate::sema::catalog;
use crate::syntax::ast::{Arg, Hpo, Layer, Value, ValueKind};
use crate::syntax::program::{InputDecl, NetworkDef, Program};
use serde_json::{Map, Value as Json, json};

/// One network's dictionary, or `{"networks": [...]}` when the file defines several;
/// research blocks are added under `research`.
pub fn program_json(program: &Program) -> Json {
    let mut out = match program.networks.as_slice() {
        [one] => network_json(one),
        [] => Json::Object(Map::new()),
        many => json!({"networks": many.iter().map(network_json).collect::<Vec<_>>()}),
    };
    if !program.research.is_empty() {
        let research: Vec<Json> = program
            .research
            .iter()
            .map(|r| {
                let params: Map<String, Json> = r
                    .blocks
                    .iter()
                    .map(|(k, entries)| {
                        let m: Map<String, Json> = entries
                            .iter()
                            .map(|e| (e.key.name.clone(), value_json(&e.value)))
                            .collect();
                        (k.name.clone(), Json::Object(m))
                    })
                    .collect();
                json!({"type": "Research", "name": r.name.name, "params": params})
            })
            .collect();
        if let Json::Object(m) = &mut out {
            m.insert("research".into(), Json::Array(research));
        }
    }
    out
}

pub fn network_json(net: &NetworkDef) -> Json {
    let mut m = Map::new();
    m.insert("name".into(), json!(net.name.name));
    m.insert("input".into(), input_json(&net.inputs));
    m.insert(
        "layers".into(),
        Json::Array(net.layers.iter().map(layer_json).collect()),
    );
    m.insert(
        "loss".into(),
        net.loss.as_ref().map_or(Json::Null, named_call_json),
    );
    m.insert(
        "optimizer".into(),
        net.optimizer.as_ref().map_or(Json::Null, named_call_json),
    );
    if let Some(schedule) = &net.lr_schedule {
        m.insert("lr_schedule".into(), value_json(schedule));
    }
    if let Some(metrics) = &net.metrics {
        let list = match value_json(metrics) {
            Json::Array(a) => Json::Array(a),
            other => Json::Array(vec![other]),
        };
        m.insert("metrics".into(), list);
    }
    let entries = |es: &[crate::syntax::ast::Entry]| -> Json {
        Json::Object(
            es.iter()
                .map(|e| (e.key.name.clone(), value_json(&e.value)))
                .collect(),
        )
    };
    m.insert("training".into(), entries(&net.training));
    m.insert("execution".into(), entries(&net.execution));
    Json::Object(m)
}

fn dims_json(d: &InputDecl) -> Json {
    Json::Array(
        d.dims
            .iter()
            .map(|x| x.map_or(Json::Null, |n| json!(n)))
            .collect(),
    )
}

fn input_json(inputs: &[InputDecl]) -> Json {
    match inputs {
        [] => Json::Null,
        [one] if one.name.is_none() => json!({"type": "Input", "shape": dims_json(one)}),
        many if many.iter().all(|d| d.name.is_some()) => Json::Object(
            many.iter()
                .map(|d| {
                    let name = d.name.as_ref().map(|n| n.name.clone()).unwrap_or_default();
                    (name, json!({"type": "Input", "shape": dims_json(d)}))
                })
                .collect(),
        ),
        many => json!({"type": "Input", "shape": many.iter().map(dims_json).collect::<Vec<_>>()}),
    }
}

/// A layer: `type` is the catalog's canonical name (or the name as written for an
/// unknown layer), positional arguments are named by the catalog's order.
pub fn layer_json(layer: &Layer) -> Json {
    let spec = catalog::lookup(&layer.name.name);
    let ty = spec.map_or(layer.name.name.as_str(), |s| s.name);
    let mut m = Map::new();
    m.insert("type".into(), json!(ty));
    m.insert(
        "params".into(),
        match &layer.args {
            Some(args) if !args.is_empty() => Json::Object(params_json(spec, args)),
            _ => Json::Null,
        },
    );
    m.insert(
        "sublayers".into(),
        Json::Array(layer.block.iter().flatten().map(layer_json).collect()),
    );
    if let Some(dev) = &layer.device {
        m.insert("device".into(), value_json(dev));
    }
    Json::Object(m)
}

fn params_json(spec: Option<&catalog::LayerSpec>, args: &[Arg]) -> Map<String, Json> {
    let mut m = Map::new();
    for (i, arg) in args.iter().filter(|a| a.name.is_none()).enumerate() {
        let key = spec
            .and_then(|s| s.positional_name(i))
            .map_or_else(|| format!("arg{i}"), str::to_string);
        m.insert(key, value_json(&arg.value));
    }
    for arg in args {
        if let Some(name) = &arg.name {
            m.insert(name.name.clone(), value_json(&arg.value));
        }
    }
    m
}

/// `loss:`/`optimizer:` as written: a name stays a string, a call becomes `{type, params}`.
fn named_call_json(value: &Value) -> Json {
    value_json(value)
}

pub fn value_json(value: &Value) -> Json {
    match &value.kind {
        ValueKind::Int(n) => json!(n),
        ValueKind::Float(x) => json!(x),
        ValueKind::Str(s) | ValueKind::Ident(s) => json!(s),
        ValueKind::Bool(b) => json!(b),
        ValueKind::None | ValueKind::Error => Json::Null,
        ValueKind::Param(p) => json!(format!("${p}")),
        ValueKind::Tuple(vs) | ValueKind::List(vs) => {
            Json::Array(vs.iter().map(value_json).collect())
        }
        ValueKind::Call { name, args } => {
            let mut params = Map::new();
            for (i, arg) in args.iter().enumerate() {
                let key = arg
                    .name
                    .as_ref()
                    .map_or_else(|| format!("arg{i}"), |n| n.name.clone());
                params.insert(key, value_json(&arg.value));
            }
            json!({"type": name.name, "params": params})
        }
        ValueKind::Hpo(h) => json!({"hpo": hpo_json(h)}),
        ValueKind::BinOp { op, lhs, rhs } => {
            json!({"op": op.to_string(), "lhs": value_json(lhs), "rhs": value_json(rhs)})
        }
    }
}

fn hpo_json(h: &Hpo) -> Json {
    match h {
        Hpo::Choice(vs) => {
            json!({"type": "categorical", "values": vs.iter().map(value_json).collect::<Vec<_>>()})
        }
        Hpo::Range { start, end, step } => {
            json!({"type": "range", "start": value_json(start), "end": value_json(end),
                   "step": step.as_ref().map_or(Json::Null, |s| value_json(s))})
        }
        Hpo::LogRange { start, end } => {
            json!({"type": "log_range", "start": value_json(start), "end": value_json(end)})
        }
    }
}
