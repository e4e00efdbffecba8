//! CSDL-JSON-as-YAML reader and writer.
