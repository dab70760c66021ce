//! Custom askama filters for the Python templates.

/// Renders a value as a double-quoted Python string literal.
#[askama::filter_fn]
pub fn py_str(value: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(super::python::string(&value.to_string()))
}
