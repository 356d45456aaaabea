//! The mini app's store list: the brand's open stores, nearest first when the member shared where they are.

use app::api::{ErrorBody, ErrorCode, NearQuery, PublicStore};
use axum::extract::State;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{STORE_COLUMNS, StoreRow};
use crate::error::Query;
use crate::{
    AppState,
    auth::extract::CustomerAuth,
    error::{Error, Json, Result},
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// Metres between two points on the Earth (haversine, mean radius).
pub(super) fn distance_m((lat1, lng1): (f64, f64), (lat2, lng2): (f64, f64)) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lng2 - lng1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Where the member is, when they said and it is a place on Earth.
pub(super) fn member_at(q: &NearQuery) -> Result<Option<(f64, f64)>> {
    match (q.lat, q.lng) {
        (Some(lat), Some(lng))
            if lat.is_finite()
                && lng.is_finite()
                && (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lng) =>
        {
            Ok(Some((lat, lng)))
        }
        (None, None) => Ok(None),
        _ => Err(Error::bad_request(
            ErrorCode::InvalidQuery,
            "`lat` and `lng` go together: degrees, -90 to 90 and -180 to 180.",
        )),
    }
}

/// The brand's open stores: nearest first with `lat` and `lng` (stores without a location last), else by name.
#[utoipa::path(
    get,
    path = "/api/v1/stores",
    tag = "member",
    security(("bearer" = [])),
    params(NearQuery),
    responses(
        (status = 200, body = Vec<PublicStore>),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    CustomerAuth(claims): CustomerAuth,
    Query(q): Query<NearQuery>,
) -> Result<Json<Vec<PublicStore>>> {
    let here = member_at(&q)?;
    let rows: Vec<StoreRow> = sqlx::query_as(&format!(
        "SELECT {STORE_COLUMNS} FROM stores WHERE brand_id = $1 AND active = 1 ORDER BY name, id LIMIT 500"
    ))
    .bind(&claims.brand)
    .fetch_all(state.db.read())
    .await?;
    let mut stores: Vec<PublicStore> = rows
        .into_iter()
        .map(|r| PublicStore {
            distance_m: match (here, r.latitude, r.longitude) {
                (Some(here), Some(lat), Some(lng)) => Some(distance_m(here, (lat, lng)).round() as i64),
                _ => None,
            },
            id: r.id,
            name: r.name,
            address: r.address,
            latitude: r.latitude,
            longitude: r.longitude,
            hours: r.hours,
        })
        .collect();
    // A stable sort keeps the names' order among equals and among stores without a location.
    stores.sort_by_key(|s| s.distance_m.unwrap_or(i64::MAX));
    Ok(Json(stores))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_metres_on_the_earth() {
        // Ben Thanh market to Notre-Dame Cathedral, Saigon: about 1.2 km.
        let d = distance_m((10.7725, 106.6980), (10.7798, 106.6990));
        assert!((700.0..900.0).contains(&d), "{d}");
        assert_eq!(distance_m((10.0, 106.0), (10.0, 106.0)), 0.0);
        // Antipodes: half the circumference, never NaN.
        let far = distance_m((0.0, 0.0), (0.0, 180.0));
        assert!((20_000_000.0..20_100_000.0).contains(&far), "{far}");
    }

    #[test]
    fn a_location_needs_both_coordinates_on_earth() {
        let q = |lat, lng| NearQuery { lat, lng };
        assert!(member_at(&q(Some(10.0), None)).is_err());
        assert!(member_at(&q(Some(91.0), Some(0.0))).is_err());
        assert!(member_at(&q(Some(f64::NAN), Some(0.0))).is_err());
        assert_eq!(member_at(&q(None, None)).unwrap(), None);
    }
}
