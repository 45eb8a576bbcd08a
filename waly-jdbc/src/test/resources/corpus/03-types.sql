-- Values at the edges of their types.
CREATE TABLE typed (
  id int PRIMARY KEY, i2 smallint, i8 bigint, n numeric, n2 numeric(5, 2), r real, d double precision,
  b boolean, t text, c char(3), vc varchar(5), by bytea, dt date, tm time, tmz timetz, ts timestamp, tsz timestamptz,
  iv interval, u uuid, j json, jb jsonb, ia int[], ta text[][], rng int4range, ip inet, bits bit(4), x xml, m money
);
INSERT INTO typed (id, i2, i8, n, n2, r, d) VALUES (1, 32767, 9223372036854775807, 123456789012345678901234567890.123456789, 999.99, 3.4e38, 1.7976931348623157e308);
INSERT INTO typed (id, i2) VALUES (2, 32768);
INSERT INTO typed (id, i8) VALUES (3, -9223372036854775808);
INSERT INTO typed (id, n, d, r) VALUES (4, 'NaN', 'Infinity', '-Infinity');
INSERT INTO typed (id, n2) VALUES (5, 1000.00);
INSERT INTO typed (id, n2) VALUES (6, 1.005);
INSERT INTO typed (id, b, t, c, vc) VALUES (7, 'yes', '', 'ab', 'abcde');
INSERT INTO typed (id, vc) VALUES (8, 'abcdef');
INSERT INTO typed (id, by) VALUES (9, '\xDEADBEEF00'), (10, E'\\000\\001'::bytea), (11, decode('aGVsbG8=', 'base64'));
INSERT INTO typed (id, dt, tm, tmz, ts, tsz) VALUES (12, '4713-01-01 BC', '24:00:00', '12:34:56.789+05:30', '2024-02-29 23:59:59.999999', '2024-03-31 02:30:00 Europe/Paris');
INSERT INTO typed (id, dt, ts, tsz) VALUES (13, 'infinity', '-infinity', 'infinity');
INSERT INTO typed (id, dt) VALUES (14, '2023-02-29');
INSERT INTO typed (id, tsz) VALUES (15, '2000-01-01 00:00:00.1234567+00');
INSERT INTO typed (id, iv) VALUES (16, '1 year 2 months 3 days 04:05:06.789'), (17, '-P1Y2M3DT4H5M6S'), (18, 'PT0.000001S');
INSERT INTO typed (id, u) VALUES (19, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'), (20, '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a12}');
INSERT INTO typed (id, u) VALUES (21, 'not-a-uuid');
INSERT INTO typed (id, j, jb) VALUES (22, '{"b": 1, "a": [true, null, 1.50]}', '{"b": 1, "a": [true, null, 1.50], "a": 2}');
INSERT INTO typed (id, jb) VALUES (23, '{"unicode": "\u00e9\u4e2d", "nested": {"deep": [[[]]]}}');
INSERT INTO typed (id, jb) VALUES (24, '{bad json}');
INSERT INTO typed (id, ia, ta) VALUES (25, '{1,2,NULL,4}', '{{"a","b"},{"c","d"}}'), (26, ARRAY[]::int[], '{}');
INSERT INTO typed (id, ia) VALUES (27, '{1,{2}}');
INSERT INTO typed (id, rng, ip, bits, x, m) VALUES (28, '[1,10)', '192.168.0.1/24', B'1010', '<a>x</a>', '12.34');
INSERT INTO typed (id, rng) VALUES (29, 'empty'), (30, '(,5]');
UPDATE typed SET n = n + 0.000000000000000000001 WHERE id = 1;
UPDATE typed SET ia[2] = 20, jb = jsonb_set(coalesce(jb, '{}'), '{x}', '"y"') WHERE id = 25;
UPDATE typed SET ts = ts + interval '1 microsecond' WHERE id = 12;
UPDATE typed SET i2 = i2 + 1 WHERE id = 1;
SELECT id, n, r, d FROM typed WHERE id IN (1, 4) ORDER BY id;
SELECT id, by, dt, tm, tmz, ts, tsz, iv FROM typed WHERE id BETWEEN 9 AND 18 ORDER BY id;
SELECT id, u, j, jb, ia, ta, rng, ip, bits, x FROM typed WHERE id >= 19 ORDER BY id;
SELECT 1/0;
SELECT 'abc'::int;
SELECT 2147483647::int + 1;
SELECT '2024-13-01'::date;
