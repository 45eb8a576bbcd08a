CREATE TABLE cars (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    production_year int4
);
