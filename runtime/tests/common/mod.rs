#![allow(dead_code)]
//! Shared test helpers: a model type, an enum, and a minimal executor.

use graph_runtime::{Field, Resource, WireEnum};
use serde::{Deserialize, Serialize};

/// Polls a future to completion on the current thread (the fakes never return Pending).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Allotment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allotted_units: Option<i32>,
    #[serde(flatten)]
    pub additional: serde_json::Map<String, serde_json::Value>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AllotmentField {
    Id,
    AllottedUnits,
    SkuId,
}

impl Field for AllotmentField {
    fn wire_name(self) -> &'static str {
        match self {
            AllotmentField::Id => "id",
            AllotmentField::AllottedUnits => "allottedUnits",
            AllotmentField::SkuId => "skuId",
        }
    }
}

/// Typed filter handles, as generated code declares them.
#[allow(dead_code)]
impl AllotmentField {
    pub const ID: graph_runtime::filter::typed::Prop<Allotment, graph_runtime::filter::typed::lit::Str> = graph_runtime::filter::typed::Prop::new("id");
    pub const ALLOTTED_UNITS: graph_runtime::filter::typed::Prop<Allotment, graph_runtime::filter::typed::lit::Int> =
        graph_runtime::filter::typed::Prop::new("allottedUnits");
}

impl Resource for Allotment {
    const ODATA_TYPE: &'static str = "microsoft.graph.cloudLicensing.allotment";
    type Field = AllotmentField;
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AssignmentField {
    Id,
}

impl Field for AssignmentField {
    fn wire_name(self) -> &'static str {
        "id"
    }
}

#[allow(dead_code)]
impl AssignmentField {
    pub const ID: graph_runtime::filter::typed::Prop<Assignment, graph_runtime::filter::typed::lit::Str> = graph_runtime::filter::typed::Prop::new("id");
}

impl Resource for Assignment {
    const ODATA_TYPE: &'static str = "microsoft.graph.cloudLicensing.assignment";
    type Field = AssignmentField;
}

impl graph_runtime::Searchable for Allotment {}

#[derive(Clone, Debug, PartialEq)]
pub enum AssigneeTypes {
    None,
    User,
    Group,
    UnknownFutureValue,
    Unknown(String),
}

impl WireEnum for AssigneeTypes {
    fn from_wire(s: &str) -> Self {
        match s {
            "none" => Self::None,
            "user" => Self::User,
            "group" => Self::Group,
            "unknownFutureValue" => Self::UnknownFutureValue,
            other => Self::Unknown(other.to_owned()),
        }
    }
    fn as_wire(&self) -> &str {
        match self {
            Self::None => "none",
            Self::User => "user",
            Self::Group => "group",
            Self::UnknownFutureValue => "unknownFutureValue",
            Self::Unknown(s) => s,
        }
    }
}

graph_runtime::wire_enum_serde!(AssigneeTypes);
