ALTER TABLE book ADD COLUMN pages int;
UPDATE book SET pages = length(title) * 17;
CREATE INDEX book_title_idx ON book (lower(title));
CREATE FUNCTION book_count(a bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM book WHERE author_id = a $$;
DO $$ BEGIN
  INSERT INTO author (name) VALUES ('Anonymous');
END $$;
