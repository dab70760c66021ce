//! Semantic checking: the layer catalog, parameter validation, shapes and parameter counts.

pub mod catalog;
pub mod model;
