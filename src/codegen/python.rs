//! Python source fragments: literals for resolved parameter values and calls laid out
//! the way `ruff format` lays them out, so generated scripts pass `ruff format --check`.

use crate::sema::catalog::Lit;
use crate::sema::model::Param;

/// The formatter's line limit (ruff's default).
pub const LINE_WIDTH: usize = 88;

/// A Python string literal in ruff's preferred double quotes.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float as Python's `repr` writes it (`0.001`, `1e-05`, `2.0`).
pub fn float(x: f64) -> String {
    if x.is_nan() {
        return "float(\"nan\")".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "float(\"inf\")"
        } else {
            "-float(\"inf\")"
        }
        .to_string();
    }
    let a = x.abs();
    if a == 0.0 || (1e-4..1e16).contains(&a) {
        let s = format!("{x}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        // Rust: `1e-5`, `1.5e20`; Python: `1e-05`, `1.5e+20`.
        let s = format!("{x:e}");
        let (mantissa, exp) = s.split_once('e').expect("`{:e}` always has an exponent");
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    }
}

/// A resolved parameter value as a Python literal; lists become tuples.
pub fn literal(p: &Param) -> String {
    match p {
        Param::Int(n) => n.to_string(),
        Param::Float(x) => float(*x),
        Param::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Param::Str(s) => string(s),
        Param::None => "None".to_string(),
        Param::List(items) => tuple(items.iter().map(literal)),
    }
}

/// A catalog constant as a Python literal.
pub fn lit(l: &Lit) -> String {
    match l {
        Lit::Int(n) => n.to_string(),
        Lit::Float(x) => float(*x),
        Lit::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Lit::Str(s) => string(s),
    }
}

/// A Python tuple display: `(1,)`, `(3, 3)`.
pub fn tuple(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match items.len() {
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}

/// A call `callee(args…)` assigned or returned by `head` (e.g. `"self.conv1 = "`), at
/// `indent` spaces, laid out as ruff would: on one line when it fits, else the
/// arguments on one indented line, else one argument per line with a trailing comma.
/// `tail` follows the closing parenthesis (a comma inside a list, a comment).
pub fn call(indent: usize, head: &str, callee: &str, args: &[String], tail: &str) -> String {
    let pad = " ".repeat(indent);
    let joined = args.join(", ");
    let one_line = format!("{pad}{head}{callee}({joined}){tail}");
    if one_line.len() <= LINE_WIDTH || args.is_empty() {
        return one_line;
    }
    let inner = " ".repeat(indent + 4);
    let hugged = format!("{inner}{joined}");
    // ruff splits a lone argument that is itself a call at its own parentheses; keep the
    // simple layouts and leave nested ones to the one-per-line form.
    if hugged.len() <= LINE_WIDTH && args.len() > 1 {
        return format!("{pad}{head}{callee}(\n{hugged}\n{pad}){tail}");
    }
    let mut out = format!("{pad}{head}{callee}(\n");
    for a in args {
        out.push_str(&format!("{inner}{a},\n"));
    }
    out.push_str(&format!("{pad}){tail}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_match_python_repr() {
        assert_eq!(float(0.001), "0.001");
        assert_eq!(float(1e-5), "1e-05");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(0.5), "0.5");
        assert_eq!(float(1.5e20), "1.5e+20");
        assert_eq!(float(-0.0001), "-0.0001");
    }

    #[test]
    fn literals() {
        let k = Param::List(vec![Param::Int(3), Param::Int(3)]);
        assert_eq!(literal(&k), "(3, 3)");
        assert_eq!(literal(&Param::List(vec![Param::Int(3)])), "(3,)");
        assert_eq!(literal(&Param::Str("a\"b".into())), r#""a\"b""#);
        assert_eq!(literal(&Param::Bool(true)), "True");
    }

    #[test]
    fn calls_wrap_like_ruff() {
        let short = call(8, "self.a = ", "nn.Linear", &["1".into(), "2".into()], "");
        assert_eq!(short, "        self.a = nn.Linear(1, 2)");
        let args: Vec<String> = (0..12).map(|i| format!("argument_{i}")).collect();
        let long = call(8, "x = ", "f", &args, "");
        assert!(long.ends_with(",\n        )"), "{long}");
        let mid: Vec<String> = (0..5).map(|i| format!("argument_{i}")).collect();
        let hugged = call(8, "self.layer = ", "nn.SomethingLong", &mid, "");
        assert_eq!(
            hugged,
            "        self.layer = nn.SomethingLong(\n            argument_0, argument_1, argument_2, argument_3, argument_4\n        )"
        );
    }
}
