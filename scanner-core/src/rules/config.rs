//! Rules of the `config` detector.

use super::Rule;
#[allow(unused_imports)]
use crate::report::{Category, Severity};

rules! { RULES;
}
