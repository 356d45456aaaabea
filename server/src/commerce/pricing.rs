//! Prices an order from the menu on the server: a line's unit price is the product's price plus its chosen
//! options' deltas, times its quantity; every step is checked, so no amount wraps, and the order stays within
//! what the payment services take. What the client believes things cost is never read.

use std::collections::HashSet;

use app::api::{ErrorCode, FieldProblem, OptionGroup, OrderLine, OrderLineRequest};

use crate::error::{Error, Result};

/// The most an order may come to, in đồng (MoMo's ceiling for one payment).
pub const MAX_ORDER_VND: i64 = 50_000_000;
/// The least MoMo takes, in đồng.
pub const MIN_MOMO_VND: i64 = 1_000;

fn refused(pointer: String, problem: FieldProblem, code: ErrorCode, message: &str) -> Error {
    Error::unprocessable(code, message).at(pointer, problem)
}

/// A line priced from the product's price and option groups. `at` is the line's index in the request.
pub fn price_line(
    at: usize,
    request: &OrderLineRequest,
    name: &str,
    price_vnd: i64,
    groups: &[OptionGroup],
) -> Result<OrderLine> {
    if !(1..=50).contains(&request.quantity) {
        return Err(refused(
            format!("/items/{at}/quantity"),
            FieldProblem::Range { min: 1, max: 50 },
            ErrorCode::InvalidOrder,
            "A line orders 1 to 50.",
        ));
    }
    let chosen: HashSet<&str> = request.choice_ids.iter().map(String::as_str).collect();
    if chosen.len() != request.choice_ids.len() {
        return Err(refused(
            format!("/items/{at}/choice_ids"),
            FieldProblem::Duplicate,
            ErrorCode::InvalidChoice,
            "A choice is given twice.",
        ));
    }
    let mut unit = price_vnd;
    let mut names = Vec::new();
    let mut matched = 0;
    for group in groups {
        let picked: Vec<_> = group
            .choices
            .iter()
            .filter(|c| chosen.contains(c.id.as_str()))
            .collect();
        let count = i64::try_from(picked.len()).unwrap_or(i64::MAX);
        if count < group.min || count > group.max {
            return Err(refused(
                format!("/items/{at}/choice_ids"),
                FieldProblem::Count {
                    min: u32::try_from(group.min).unwrap_or(0),
                    max: u32::try_from(group.max).unwrap_or(u32::MAX),
                },
                ErrorCode::InvalidChoice,
                "The options chosen for this item are not valid.",
            ));
        }
        for choice in picked {
            unit = unit.checked_add(choice.price_delta_vnd).ok_or_else(too_much)?;
            names.push(choice.name.clone());
            matched += 1;
        }
    }
    if matched != chosen.len() {
        return Err(refused(
            format!("/items/{at}/choice_ids"),
            FieldProblem::Unknown,
            ErrorCode::InvalidChoice,
            "A choice is not one of this item's.",
        ));
    }
    let total = unit.checked_mul(request.quantity).ok_or_else(too_much)?;
    if unit < 0 || !(0..=MAX_ORDER_VND).contains(&total) {
        return Err(too_much());
    }
    Ok(OrderLine {
        product_id: request.product_id.clone(),
        name: name.to_owned(),
        choices: names,
        unit_price_vnd: unit,
        quantity: request.quantity,
        line_total_vnd: total,
    })
}

fn too_much() -> Error {
    Error::unprocessable(ErrorCode::InvalidOrder, "An order comes to at most 50,000,000 đồng.").at(
        "/items",
        FieldProblem::Range {
            min: 0,
            max: MAX_ORDER_VND,
        },
    )
}

/// The sum of the lines, refused past [`MAX_ORDER_VND`].
pub fn subtotal(lines: &[OrderLine]) -> Result<i64> {
    let mut sum: i64 = 0;
    for line in lines {
        sum = sum.checked_add(line.line_total_vnd).ok_or_else(too_much)?;
    }
    if sum > MAX_ORDER_VND {
        return Err(too_much());
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use app::api::OptionChoice;
    use proptest::prelude::*;

    use super::*;

    fn size() -> Vec<OptionGroup> {
        vec![
            OptionGroup {
                id: "size".into(),
                name: "Cỡ".into(),
                min: 1,
                max: 1,
                choices: vec![
                    OptionChoice {
                        id: "m".into(),
                        name: "Vừa".into(),
                        price_delta_vnd: 0,
                    },
                    OptionChoice {
                        id: "l".into(),
                        name: "Lớn".into(),
                        price_delta_vnd: 10_000,
                    },
                ],
            },
            OptionGroup {
                id: "top".into(),
                name: "Topping".into(),
                min: 0,
                max: 2,
                choices: vec![
                    OptionChoice {
                        id: "pearl".into(),
                        name: "Trân châu".into(),
                        price_delta_vnd: 5_000,
                    },
                    OptionChoice {
                        id: "jelly".into(),
                        name: "Thạch".into(),
                        price_delta_vnd: 5_000,
                    },
                    OptionChoice {
                        id: "cream".into(),
                        name: "Kem".into(),
                        price_delta_vnd: 8_000,
                    },
                ],
            },
        ]
    }

    fn line(quantity: i64, choices: &[&str]) -> OrderLineRequest {
        OrderLineRequest {
            product_id: "p".into(),
            quantity,
            choice_ids: choices.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn a_line_is_the_price_with_its_options_times_the_quantity() {
        let l = price_line(0, &line(2, &["l", "pearl"]), "Trà sữa", 35_000, &size()).unwrap();
        assert_eq!((l.unit_price_vnd, l.line_total_vnd), (50_000, 100_000));
        assert_eq!(l.choices, ["Lớn", "Trân châu"]);
    }

    #[test]
    fn choices_must_fit_their_groups() {
        for bad in [
            &[][..],
            &["m", "l"][..],
            &["m", "pearl", "jelly", "cream"][..],
            &["m", "nope"][..],
            &["m", "m"][..],
        ] {
            let e = price_line(3, &line(1, bad), "Trà", 35_000, &size()).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidChoice, "{bad:?}");
        }
        assert!(price_line(0, &line(0, &["m"]), "Trà", 35_000, &size()).is_err());
        assert!(price_line(0, &line(51, &["m"]), "Trà", 35_000, &size()).is_err());
    }

    proptest! {
        #[test]
        fn no_price_or_quantity_wraps(price in any::<i64>(), delta in any::<i64>(), quantity in any::<i64>()) {
            let groups = vec![OptionGroup {
                id: "g".into(),
                name: "G".into(),
                min: 1,
                max: 1,
                choices: vec![OptionChoice { id: "c".into(), name: "C".into(), price_delta_vnd: delta }],
            }];
            if let Ok(l) = price_line(0, &line(quantity, &["c"]), "X", price, &groups) {
                prop_assert!((0..=MAX_ORDER_VND).contains(&l.line_total_vnd));
                prop_assert_eq!(Some(l.line_total_vnd), price.checked_add(delta).and_then(|u| u.checked_mul(quantity)));
            }
        }
    }
}
