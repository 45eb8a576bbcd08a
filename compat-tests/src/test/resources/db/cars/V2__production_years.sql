-- a car model is built over several, not always contiguous, spans of years
ALTER TABLE cars ADD COLUMN production_years int4multirange;
UPDATE cars SET production_years = int4multirange(int4range(production_year, production_year, '[]'));
ALTER TABLE cars DROP COLUMN production_year;
