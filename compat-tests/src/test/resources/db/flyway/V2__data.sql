INSERT INTO author (name, born) VALUES ('Ursula K. Le Guin', '1929-10-21'), ('Stanisław Lem', '1921-09-12');
INSERT INTO book (author_id, title) SELECT id, 'The Dispossessed' FROM author WHERE name LIKE 'Ursula%';
INSERT INTO book (author_id, title) SELECT id, 'Solaris' FROM author WHERE name LIKE 'Stanis%';
INSERT INTO book (author_id, title) SELECT id, 'The Cyberiad' FROM author WHERE name LIKE 'Stanis%';
