-- More corners: defaults added to full tables, generated columns, upserts and updates that draw volatile values,
-- sequences owned and reset, arrays and JSON changed in place, deletes that return.

CREATE TABLE more_base (id int PRIMARY KEY, qty int, tags text[], doc jsonb);
INSERT INTO more_base SELECT g, g * 3, ARRAY['t' || g, 'common'], jsonb_build_object('n', g, 'odd', g % 2 = 1)
  FROM generate_series(1, 12) g;
ALTER TABLE more_base ADD COLUMN flag bool NOT NULL DEFAULT false;
ALTER TABLE more_base ADD COLUMN total numeric GENERATED ALWAYS AS (qty * 1.5) STORED;
UPDATE more_base SET tags = array_append(tags, 'x') WHERE id <= 3;
UPDATE more_base SET tags[1] = 'first' WHERE id = 4;
UPDATE more_base SET doc = jsonb_set(doc, '{n}', to_jsonb(id * 100)) WHERE id % 3 = 0;
UPDATE more_base SET doc = doc - 'odd' WHERE id > 10;
UPDATE more_base SET doc = doc || '{"added": [1, 2, {"deep": null}]}' WHERE id = 1;
UPDATE more_base SET total = 1 WHERE id = 1;
DELETE FROM more_base WHERE 'x' = ANY (tags) RETURNING id, tags, total;
SELECT id, qty, tags, doc, flag, total FROM more_base ORDER BY id;

-- Sequences owned by columns, reset by TRUNCATE … RESTART IDENTITY.
CREATE TABLE more_seq (id serial PRIMARY KEY, v text);
INSERT INTO more_seq (v) VALUES ('a'), ('b'), ('c');
DELETE FROM more_seq WHERE v = 'b';
TRUNCATE more_seq RESTART IDENTITY;
INSERT INTO more_seq (v) VALUES ('after truncate') RETURNING id;
CREATE SEQUENCE more_owned OWNED BY more_seq.v;
SELECT nextval('more_owned'), nextval('more_owned');
ALTER TABLE more_seq ADD COLUMN ext int DEFAULT nextval('more_owned');
INSERT INTO more_seq (v) VALUES ('drawn ext');
INSERT INTO more_seq (v, ext) VALUES ('given ext', 77);
SELECT id, v, ext FROM more_seq ORDER BY id;

-- Upserts and updates computing from the row and the excluded row; CASE, COALESCE, subqueries.
CREATE TABLE more_stock (sku text PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0), note text);
INSERT INTO more_stock VALUES ('a', 5, NULL), ('b', 0, 'empty');
INSERT INTO more_stock VALUES ('a', 3, 'restock'), ('c', 1, 'new')
  ON CONFLICT (sku) DO UPDATE SET qty = more_stock.qty + excluded.qty, note = COALESCE(excluded.note, more_stock.note);
INSERT INTO more_stock VALUES ('b', -1, 'bad') ON CONFLICT (sku) DO UPDATE SET qty = more_stock.qty + excluded.qty;
UPDATE more_stock SET qty = CASE WHEN qty > 3 THEN qty - 3 ELSE 0 END, note = note || ' (adjusted)'
  WHERE sku IN (SELECT sku FROM more_stock WHERE qty > 0);
UPDATE more_stock s SET note = b.label FROM (VALUES ('a', 'from values')) AS b(sku, label) WHERE s.sku = b.sku;
DELETE FROM more_stock s USING (SELECT 'c' AS sku) d WHERE s.sku = d.sku RETURNING s.*;
SELECT sku, qty, note FROM more_stock ORDER BY sku;

-- Ranges, intervals, bit strings, money-free numerics at their scale, enums altered.
CREATE TYPE more_mood AS ENUM ('sad', 'ok');
ALTER TYPE more_mood ADD VALUE 'happy' AFTER 'ok';
CREATE TABLE more_types (id int PRIMARY KEY, during tstzrange, span interval, bits bit varying(16), n numeric(7, 3),
  mood more_mood, pt point, ip inet, mac macaddr);
INSERT INTO more_types VALUES (1, '[2024-01-01 00:00+00, 2024-02-01 00:00+00)', '1 year 2 mons 3 days 04:05:06.789',
  B'1011', 1234.5678, 'happy', '(1.5, -2)', '192.168.0.1/24', '08:00:2b:01:02:03');
INSERT INTO more_types VALUES (2, 'empty', '-1 day', B'', -0.0005, 'sad', NULL, '::1', NULL);
UPDATE more_types SET during = during * '[2024-01-15 00:00+00, 2024-03-01 00:00+00)', span = span * 2, n = n / 3 WHERE id = 1;
INSERT INTO more_types VALUES (3, '(,)', '0', B'1', 99999.9999, 'ok', NULL, NULL, NULL);
SELECT id, during, span, bits, n, mood, pt, ip, mac FROM more_types ORDER BY id;

-- Volatile values drawn by upserts and updates: replay must reproduce WAL-y's own. (A column added to a full table
-- with a volatile default, or now(), is filled when the DDL runs, on replay too: a documented limit, so not here.)
CREATE TABLE vol_more (id int PRIMARY KEY, touched timestamptz, r float8);
INSERT INTO vol_more SELECT g, clock_timestamp(), random() FROM generate_series(1, 6) g;
ALTER TABLE vol_more ADD COLUMN tag uuid;
INSERT INTO vol_more VALUES (3, NULL, 0) ON CONFLICT (id) DO UPDATE SET touched = clock_timestamp(), r = random();
UPDATE vol_more SET r = r + random() WHERE id > 4;
ALTER TABLE vol_more ALTER COLUMN tag SET DEFAULT gen_random_uuid();
INSERT INTO vol_more (id) VALUES (7), (8);

-- Values that identify the moment, the session, the server or the database, in a table with no volatile default
-- (so only the statement itself says it must be recorded), JDBC escapes included.
CREATE TABLE vol_fn (id int PRIMARY KEY, at timestamptz, d date, s text);
INSERT INTO vol_fn (id, at) VALUES (1, {fn now()});
INSERT INTO vol_fn (id, at) VALUES (2, 'now');
INSERT INTO vol_fn (id, d) VALUES (3, 'today'::date), (4, ' Tomorrow ');
INSERT INTO vol_fn (id, at) VALUES (5, timeofday()::timestamptz);
INSERT INTO vol_fn (id, s) VALUES (6, pg_backend_pid()::text), (7, inet_client_port()::text), (8, current_database());
INSERT INTO vol_fn (id, s) VALUES (9, current_setting('application_name')), (10, version());
INSERT INTO vol_fn (id, s) VALUES (11, txid_current()::text), (12, md5(random()::text));
UPDATE vol_fn SET s = s || ' at ' || clock_timestamp()::text WHERE id > 10;
UPDATE vol_fn SET at = 'now' WHERE id = 1;
INSERT INTO vol_fn (id, d, s) VALUES (13, {d '2024-02-29'}, {fn ucase('escape')});

-- Keys drawn by name in the statement itself (not a column default): the rows replay from their images, so the
-- sequence must still end where the source's did — or a restored database would hand out a key it already holds.
CREATE SEQUENCE more_order_seq START 100;
CREATE TABLE more_orders (id int PRIMARY KEY, v text);
INSERT INTO more_orders VALUES (nextval('more_order_seq'), 'a'), (nextval('more_order_seq'), 'b');
UPDATE more_orders SET id = nextval('more_order_seq') WHERE v = 'b';
INSERT INTO more_orders SELECT nextval('public.more_order_seq'), 'from select';
-- A sequence that starts above the keys given explicitly stays where it is: moving it "past" them would move it back.
CREATE SEQUENCE more_start_seq START 100;
CREATE TABLE more_start (id int PRIMARY KEY DEFAULT nextval('more_start_seq'), v text);
INSERT INTO more_start (id, v) VALUES (5, 'explicit');
-- and one a key was moved past, by an UPDATE replay runs again, ends past it
CREATE TABLE more_moved (id serial PRIMARY KEY, v text);
INSERT INTO more_moved (v) VALUES ('a');
UPDATE more_moved SET id = id + 1000;
