//! Property test: every typed filter (built with `graph_runtime::filter::typed`, as SDK users
//! and the generated example tests build them) renders to text that the OData `$filter`
//! reader of `check` (`codegen::filter_parse`) reads back to the same expression. The
//! expected expression is built beside the typed filter, from the same random choices.
//! The filters are typed by their owner (`Where<Root>`), and each is read back twice: as the
//! request's `$filter` and nested in `$expand=items(…)` of another type, through the doc
//! examples' query reader (`codegen::odata_query`), as the checker and the emitter read it.

use codegen::filter_parse::{parse, CmpOp, Expr, Func, Lit};
use graph_runtime::edm;
use graph_runtime::filter::typed::{lit, Prop};
use graph_runtime::filter::{not, Where};
use graph_runtime::{Expand, NoFields, QueryOptions, Resource};
use graph_runtime::{Flags, WireEnum};
use proptest::prelude::*;

#[derive(serde::Serialize, serde::Deserialize)]
struct Root;
#[derive(serde::Serialize, serde::Deserialize)]
struct Host;
struct Plan;

impl Resource for Root {
    const ODATA_TYPE: &'static str = "#test.root";
    type Field = NoFields;
}
struct Manager;

#[derive(Clone, Debug, PartialEq)]
enum Color {
    Red,
    DarkBlue,
    Unknown(String),
}

impl WireEnum for Color {
    fn from_wire(s: &str) -> Self {
        match s {
            "red" => Color::Red,
            "darkBlue" => Color::DarkBlue,
            o => Color::Unknown(o.to_owned()),
        }
    }
    fn as_wire(&self) -> &str {
        match self {
            Color::Red => "red",
            Color::DarkBlue => "darkBlue",
            Color::Unknown(s) => s,
        }
    }
}

const NAME: Prop<Root, lit::Str> = Prop::new("displayName");
const AGE: Prop<Root, lit::Int> = Prop::new("age");
const SCORE: Prop<Root, lit::Decimal> = Prop::new("score");
const ENABLED: Prop<Root, lit::Bool> = Prop::new("accountEnabled");
const SKU: Prop<Root, lit::Guid> = Prop::new("skuId");
const CREATED: Prop<Root, lit::DateTimeOffset> = Prop::new("createdDateTime");
const COLOR: Prop<Root, lit::Enum<Color>> = Prop::new("color");
const COLORS: Prop<Root, lit::Flags<Color>> = Prop::new("colors");
const TAGS: Prop<Root, lit::Coll<lit::Str>> = Prop::new("tags");
const PLANS: Prop<Root, lit::Coll<lit::Complex<Plan>>> = Prop::new("services");
const PLAN_ID: Prop<Plan, lit::Guid> = Prop::new("planId");
const MANAGER: Prop<Root, lit::Complex<Manager>> = Prop::new("manager");
const MANAGER_NAME: Prop<Manager, lit::Str> = Prop::new("displayName");

fn path(p: &str) -> Vec<String> {
    p.split('/').map(str::to_string).collect()
}

fn cmp(p: &str, op: CmpOp, lit: Lit) -> Expr {
    Expr::Compare { path: path(p), op, lit }
}

const OPS: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Gt, CmpOp::Ge, CmpOp::Lt, CmpOp::Le];

/// `prop op value` through the typed method for `op`.
macro_rules! typed_cmp {
    ($prop:expr, $op:expr, $v:expr) => {
        match $op {
            CmpOp::Eq => $prop.eq($v),
            CmpOp::Ne => $prop.ne($v),
            CmpOp::Gt => $prop.gt($v),
            CmpOp::Ge => $prop.ge($v),
            CmpOp::Lt => $prop.lt($v),
            _ => $prop.le($v),
        }
        .into()
    };
}

fn guid_text(b: [u8; 16]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// One random condition: the typed filter and the expression it stands for.
fn leaf() -> impl Strategy<Value = (Where<Root>, Expr)> {
    let text = any::<String>();
    let op = (0..OPS.len()).prop_map(|i| OPS[i]);
    prop_oneof![
        (op.clone(), text).prop_map(|(op, s)| (typed_cmp!(NAME, op, s.as_str()), cmp("displayName", op, Lit::Str(s)))),
        (0..3usize, text).prop_map(|(f, s)| {
            let (filter, func): (Where<Root>, Func) = match f {
                0 => (NAME.starts_with(s.as_str()).into(), Func::StartsWith),
                1 => (NAME.ends_with(s.as_str()).into(), Func::EndsWith),
                _ => (NAME.contains(s.as_str()).into(), Func::Contains),
            };
            (filter, Expr::Call { func, path: path("displayName"), lit: Lit::Str(s) })
        }),
        (op.clone(), any::<i64>()).prop_map(|(op, i)| (typed_cmp!(AGE, op, i), cmp("age", op, Lit::Number(i.to_string())))),
        (op.clone(), -1_000_000i64..1_000_000).prop_map(|(op, n)| {
            let x = n as f64 + 0.5;
            (typed_cmp!(SCORE, op, x), cmp("score", op, Lit::Number(x.to_string())))
        }),
        any::<bool>().prop_map(|b| (ENABLED.eq(b).into(), cmp("accountEnabled", CmpOp::Eq, Lit::Bool(b)))),
        (op.clone(), any::<[u8; 16]>()).prop_map(|(op, b)| {
            let g = guid_text(b);
            (typed_cmp!(SKU, op, g.parse::<edm::Guid>().unwrap()), cmp("skuId", op, Lit::Guid(g)))
        }),
        (op.clone(), 1970u32..2100, 1u32..13, 1u32..29, 0u32..24, 0u32..60, 0u32..60).prop_map(|(op, y, mo, d, h, mi, s)| {
            let t = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
            (typed_cmp!(CREATED, op, t.parse::<edm::DateTimeOffset>().unwrap()), cmp("createdDateTime", op, Lit::DateTime(t)))
        }),
        any::<bool>().prop_map(|red| {
            let c = if red { Color::Red } else { Color::DarkBlue };
            let w = c.as_wire().to_owned();
            (COLOR.eq(c).into(), cmp("color", CmpOp::Eq, Lit::Str(w)))
        }),
        (any::<bool>(), any::<bool>()).prop_map(|(set, red)| {
            if set {
                let f: Flags<Color> = [Color::DarkBlue, Color::Red].into_iter().collect();
                (COLORS.eq(f).into(), cmp("colors", CmpOp::Eq, Lit::Str("darkBlue,red".into())))
            } else {
                let c = if red { Color::Red } else { Color::DarkBlue };
                let w = c.as_wire().to_owned();
                (COLORS.has(c).into(), cmp("colors", CmpOp::Has, Lit::Str(w)))
            }
        }),
        prop::collection::vec(text, 1..4).prop_map(|v| {
            let f = NAME.in_(v.iter().map(String::as_str)).into();
            (f, Expr::In { path: path("displayName"), items: v.into_iter().map(Lit::Str).collect() })
        }),
        any::<bool>().prop_map(|eq| {
            if eq {
                (NAME.eq_null().into(), cmp("displayName", CmpOp::Eq, Lit::Null))
            } else {
                (NAME.ne_null().into(), cmp("displayName", CmpOp::Ne, Lit::Null))
            }
        }),
        (prop::sample::select(vec!["c", "x", "item1", "t_2"]), text, any::<bool>()).prop_map(|(var, s, all)| {
            let body = cmp(var, CmpOp::Eq, Lit::Str(s.clone()));
            let f: Where<Root> = if all { TAGS.all(var, |t| t.eq(s.as_str())).into() } else { TAGS.any(var, |t| t.eq(s.as_str())).into() };
            (f, Expr::Lambda { path: path("tags"), all, var: var.into(), body: Some(Box::new(body)) })
        }),
        (prop::sample::select(vec!["c", "p"]), any::<[u8; 16]>()).prop_map(|(var, b)| {
            let g = guid_text(b);
            let id: edm::Guid = g.parse().unwrap();
            let f = PLANS.any(var, |c| c.at(PLAN_ID).eq(id)).into();
            let body = cmp(&format!("{var}/planId"), CmpOp::Eq, Lit::Guid(g));
            (f, Expr::Lambda { path: path("services"), all: false, var: var.into(), body: Some(Box::new(body)) })
        }),
        Just((PLANS.any_exists().into(), Expr::Lambda { path: path("services"), all: false, var: String::new(), body: None })),
        text.prop_map(|s| (MANAGER.at(MANAGER_NAME).eq(s.as_str()).into(), cmp("manager/displayName", CmpOp::Eq, Lit::Str(s)))),
    ]
}

fn tree() -> impl Strategy<Value = (Where<Root>, Expr)> {
    leaf().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|((fa, ea), (fb, eb))| (fa.and(fb), Expr::And(Box::new(ea), Box::new(eb)))),
            (inner.clone(), inner.clone()).prop_map(|((fa, ea), (fb, eb))| (fa.or(fb), Expr::Or(Box::new(ea), Box::new(eb)))),
            inner.prop_map(|(f, e)| (not(f), Expr::Not(Box::new(e)))),
        ]
    })
}

/// The `$filter` of the one `$expand` item of `query`, read as the doc examples are read.
fn nested_filter(query: &str) -> Option<String> {
    use codegen::odata_query::{expand_item, parse, split_top};
    let expand = parse(query, '&').into_iter().find(|i| i.name == "$expand")?;
    let [item] = split_top(&expand.value, ',').try_into().ok()?;
    let (nav, inner) = expand_item(&item);
    assert_eq!(nav, "items");
    parse(&inner?, ';').into_iter().find(|i| i.name == "$filter").map(|i| i.value)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn typed_filters_read_back_as_the_same_expression((filter, expected) in tree(), top in 0u32..5) {
        let text = filter.to_string();
        let read = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?} does not read: {e:?}")))?;
        prop_assert_eq!(&read, &expected, "{}", text);
        // Nested: `$expand=items($select=id;$filter=…;$top=n)` on a request for `Host`.
        let e = Expand::<Host, Root>::new("items").select_raw(["id"]).filter(filter).top(top);
        let query = QueryOptions { expand: vec![e.into_item()], ..Default::default() }.to_query_string();
        let nested = nested_filter(&query).ok_or_else(|| TestCaseError::fail(format!("{query}: no nested $filter")))?;
        prop_assert_eq!(&nested, &text, "{}", query);
        let read = parse(&nested).map_err(|e| TestCaseError::fail(format!("{query:?} does not read: {e:?}")))?;
        prop_assert_eq!(read, expected, "{}", query);
    }
}
