//! Black-box tests of Chạm: the real server on port 0, against SQLite and (when `CHAM_TEST_POSTGRES_URL` is set)
//! PostgreSQL, with the super-app simulator, and the real WASM app in headless Chromium.

// A skipped PostgreSQL variant says so on stderr.
#![allow(clippy::print_stderr)]

mod helpers;

mod admin;
mod browser;
mod browser_check_ins;
mod browser_follow_oa;
mod browser_games;
mod browser_journeys;
mod browser_loyalty;
mod browser_messages;
mod browser_orders;
mod browser_product_codes;
mod browser_routes;
mod browser_stores;
mod browser_surveys;
mod browser_visits;
mod browser_website;
mod campaigns;
mod check_ins;
mod commerce;
mod console_profiles;
mod defences;
mod discounts;
mod edge;
mod email_channel;
mod events;
mod fake_zalo;
mod games;
mod imports;
mod ingest;
mod jobs;
mod journey_killed;
mod journey_messages;
mod journeys;
mod killed_send;
mod lead_scores;
mod ledger_props;
mod loyalty;
mod loyalty_support;
mod merges;
mod messages;
mod oa_daily_limit;
mod oa_replies;
mod oa_tokens;
mod oa_webhook;
mod ops;
mod order_counter;
mod privacy;
mod product_codes;
mod refunds;
mod sales;
mod sessions;
mod settle;
mod sign_in;
mod sign_in_limits;
mod smtp_server;
mod stores;
mod surveys;
mod visits;

mod web;
mod website;
mod zalo_package;
