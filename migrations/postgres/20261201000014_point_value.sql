-- What one point is worth to the brand in VND, for the liability report (NULL until the brand says).
ALTER TABLE loyalty_settings ADD COLUMN point_value_vnd BIGINT;
