//! CSDL XML reader. Placeholder until implemented.
