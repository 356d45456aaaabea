//! Property tests of the points ledger: any sequence of credits (spendable now or pending, expiring or not),
//! debits, reversals and the passing of time leaves the running totals equal to the entries, never negative,
//! with debits and expiry consuming the earliest-expiring points first, and reversals restoring exactly. The
//! ledger is compared after every step with a model written independently here, on both stores.

use std::collections::BTreeMap;

use cham_server::{
    db::Db,
    loyalty::ledger::{self, Credit, Debit, Kind, Source},
};
use proptest::{prelude::*, test_runner::TestRunner};

use crate::helpers::{Store, spawn_app};

const DAY: i64 = 24 * 60 * 60 * 1000;
const START: i64 = 1_800_000_000_000;

#[derive(Debug, Clone)]
enum Op {
    Credit {
        points: i64,
        pending_days: i64,
        expires_in_days: Option<i64>,
    },
    Debit {
        points: i64,
    },
    ReverseCredit {
        pick: usize,
    },
    ReverseDebit {
        pick: usize,
    },
    Advance {
        days: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1..60i64, prop_oneof![3 => Just(0i64), 1 => 1..4i64], proptest::option::of(0..20i64))
            .prop_map(|(points, pending_days, expires_in_days)| Op::Credit { points, pending_days, expires_in_days }),
        3 => (1..80i64).prop_map(|points| Op::Debit { points }),
        1 => any::<usize>().prop_map(|pick| Op::ReverseCredit { pick }),
        1 => any::<usize>().prop_map(|pick| Op::ReverseDebit { pick }),
        2 => (0..8i64).prop_map(|days| Op::Advance { days }),
    ]
}

#[derive(Debug, Clone)]
struct Lot {
    id: String,
    points: i64,
    remaining: i64,
    available_at: i64,
    expires_at: Option<i64>,
    posted: bool,
    reversed: bool,
}

#[derive(Debug, Default)]
struct Model {
    balance: i64,
    pending: i64,
    lots: Vec<Lot>,
    debits: Vec<Debited>,
}

/// A debit the model made: its entry id, its points, what it took from which lot, and whether it was reversed.
#[derive(Debug)]
struct Debited {
    id: String,
    points: i64,
    taken: Vec<(usize, i64)>,
    reversed: bool,
}

impl Model {
    fn settle(&mut self, now: i64) {
        for lot in &mut self.lots {
            if !lot.posted && lot.available_at <= now {
                lot.posted = true;
                self.pending -= if lot.reversed { 0 } else { lot.points };
                self.balance += lot.remaining;
            }
        }
        for lot in &mut self.lots {
            if lot.posted && lot.remaining > 0 && lot.expires_at.is_some_and(|e| e <= now) {
                self.balance -= lot.remaining;
                lot.remaining = 0;
            }
        }
    }

    /// Takes `points` earliest expiry first (never-expiring last), after `first` when given.
    fn take(&mut self, mut points: i64, first: Option<usize>) -> Vec<(usize, i64)> {
        let mut order: Vec<usize> = (0..self.lots.len()).filter(|i| self.lots[*i].posted).collect();
        order.sort_by_key(|i| {
            let l = &self.lots[*i];
            (l.expires_at.is_none(), l.expires_at, l.available_at, *i)
        });
        if let Some(f) = first {
            order.retain(|i| *i != f);
            order.insert(0, f);
        }
        let mut taken = Vec::new();
        for i in order {
            let n = self.lots[i].remaining.min(points);
            if n > 0 {
                self.lots[i].remaining -= n;
                points -= n;
                taken.push((i, n));
            }
        }
        assert_eq!(points, 0, "the model's lots cover its balance");
        taken
    }

    /// What is left of spendable lots, by (expiry, availability): ties in between are the store's to break.
    fn remaining_by_group(&self) -> BTreeMap<(Option<i64>, i64), i64> {
        let mut groups = BTreeMap::new();
        for l in self.lots.iter().filter(|l| l.posted) {
            *groups.entry((l.expires_at, l.available_at)).or_default() += l.remaining;
        }
        groups
    }
}

async fn new_profile(db: &Db, brand: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query("INSERT INTO profiles (id, brand_id, created_at, updated_at, last_seen_at) VALUES ($1, $2, 0, 0, 0)")
        .bind(&id)
        .bind(brand)
        .execute(db.write())
        .await
        .unwrap();
    id
}

fn source<'a>(key: &'a str) -> Source<'a> {
    Source {
        kind: "admin",
        reference: "props",
        key,
        label: None,
        reason: Some("property test"),
        actor: "props",
    }
}

async fn check(db: &Db, brand: &str, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let profile = new_profile(db, brand).await;
    let mut model = Model::default();
    let mut now = START;
    for (step, op) in ops.into_iter().enumerate() {
        let mut tx = db.begin().await.unwrap();
        let account = ledger::lock(&mut tx, brand, &profile, now).await.unwrap();
        model.settle(now);
        prop_assert_eq!(
            (account.balance, account.pending),
            (model.balance, model.pending),
            "settled at step {}",
            step
        );
        let key = format!("{profile}:{step}");
        match op {
            Op::Credit {
                points,
                pending_days,
                expires_in_days,
            } => {
                let available_at = now + pending_days * DAY;
                let expires_at = expires_in_days.map(|d| available_at + d * DAY);
                let credit = Credit {
                    kind: Kind::Adjust,
                    points,
                    available_at,
                    expires_at,
                    rule_id: None,
                    source: source(&key),
                };
                let id = ledger::credit(&mut tx, brand, &profile, &credit, now)
                    .await
                    .unwrap()
                    .unwrap();
                let posted = available_at <= now;
                if posted {
                    model.balance += points
                } else {
                    model.pending += points
                }
                model.lots.push(Lot {
                    id,
                    points,
                    remaining: points,
                    available_at,
                    expires_at,
                    posted,
                    reversed: false,
                });
            }
            Op::Debit { points } => {
                let debit = Debit {
                    kind: Kind::Adjust,
                    points,
                    source: source(&key),
                };
                match ledger::debit(&mut tx, brand, &profile, &debit, account.balance, now).await {
                    Ok(id) => {
                        prop_assert!(model.balance >= points);
                        model.balance -= points;
                        let taken = model.take(points, None);
                        model.debits.push(Debited {
                            id: id.unwrap(),
                            points,
                            taken,
                            reversed: false,
                        });
                    }
                    Err(e) => {
                        prop_assert!(
                            model.balance < points,
                            "refused with {} though the balance covers it",
                            e
                        );
                        prop_assert_eq!(e.code().as_str(), "insufficient_points");
                    }
                }
            }
            Op::ReverseCredit { pick } => {
                let open: Vec<usize> = (0..model.lots.len()).filter(|i| !model.lots[*i].reversed).collect();
                if let Some(&i) = open.get(pick % open.len().max(1)) {
                    let stored = ledger::entry(&mut tx, brand, &model.lots[i].id).await.unwrap().unwrap();
                    let points = model.lots[i].points;
                    match ledger::reverse(&mut tx, brand, &stored, account.balance, "props", "props", now).await {
                        Ok(_) if !model.lots[i].posted => {
                            model.pending -= points;
                            model.lots[i].remaining = 0;
                            model.lots[i].reversed = true;
                        }
                        Ok(_) => {
                            prop_assert!(model.balance >= points);
                            model.balance -= points;
                            model.take(points, Some(i));
                            model.lots[i].reversed = true;
                        }
                        Err(e) => {
                            prop_assert!(model.lots[i].posted && model.balance < points, "refused: {}", e);
                            prop_assert_eq!(e.code().as_str(), "insufficient_points");
                        }
                    }
                }
            }
            Op::ReverseDebit { pick } => {
                let open: Vec<usize> = (0..model.debits.len()).filter(|i| !model.debits[*i].reversed).collect();
                if let Some(&d) = open.get(pick % open.len().max(1)) {
                    let stored = ledger::entry(&mut tx, brand, &model.debits[d].id)
                        .await
                        .unwrap()
                        .unwrap();
                    let before = model.balance;
                    ledger::reverse(&mut tx, brand, &stored, account.balance, "props", "props", now)
                        .await
                        .unwrap()
                        .unwrap();
                    let Debited {
                        points,
                        taken,
                        reversed,
                        ..
                    } = &mut model.debits[d];
                    for (lot, n) in taken.iter() {
                        model.lots[*lot].remaining += n;
                    }
                    *reversed = true;
                    model.balance = before + *points;
                }
            }
            Op::Advance { days } => now += days * DAY,
        }
        tx.commit().await.unwrap();

        let stored: (i64, i64) = sqlx::query_as("SELECT balance, pending FROM points_accounts WHERE profile_id = $1")
            .bind(&profile)
            .fetch_one(db.read())
            .await
            .unwrap();
        let sums: (i64, i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN posted = 1 THEN points ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN posted = 0 THEN points ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN posted = 1 THEN remaining ELSE 0 END), 0) AS BIGINT) \
             FROM points_entries WHERE profile_id = $1",
        )
        .bind(&profile)
        .fetch_one(db.read())
        .await
        .unwrap();
        prop_assert!(stored.0 >= 0, "negative balance at step {}", step);
        prop_assert_eq!(stored, (model.balance, model.pending), "totals at step {}", step);
        prop_assert_eq!(
            (sums.0, sums.1),
            stored,
            "the totals are the sums of the entries at step {}",
            step
        );
        prop_assert_eq!(sums.2, stored.0, "the lots hold the balance at step {}", step);
        let lots: Vec<(Option<i64>, i64, i64)> = sqlx::query_as(
            "SELECT expires_at, available_at, remaining FROM points_entries WHERE profile_id = $1 AND posted = 1 AND points > 0 AND kind <> 'reverse'",
        )
        .bind(&profile)
        .fetch_all(db.read())
        .await
        .unwrap();
        let mut groups: BTreeMap<(Option<i64>, i64), i64> = BTreeMap::new();
        for (expires_at, available_at, remaining) in lots {
            *groups.entry((expires_at, available_at)).or_default() += remaining;
        }
        prop_assert_eq!(
            groups,
            model.remaining_by_group(),
            "earliest expiry first, at step {}",
            step
        );
    }
    Ok(())
}

/// Runs the property on `store`: SQLite takes the ledger's scripts, PostgreSQL its statement-by-statement path.
async fn keeps_its_invariants(store: Store) {
    let Some(app) = spawn_app(store).await else {
        return;
    };
    let (db, brand) = (app.db.clone(), app.brand.id.clone());
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = tokio::task::block_in_place(|| {
        runner.run(&proptest::collection::vec(op(), 1..40), |ops| {
            handle.block_on(check(&db, &brand, ops))
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_keeps_its_invariants_under_any_sequence_of_operations_on_sqlite() {
    keeps_its_invariants(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_keeps_its_invariants_under_any_sequence_of_operations_on_postgres() {
    keeps_its_invariants(Store::Postgres).await;
}
