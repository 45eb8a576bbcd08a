-- Runs last: pgjdbc closes a connection whose DateStyle stops being ISO, and WAL-y must close it the same way.
INSERT INTO tz_test VALUES ('2024-01-02 10:00', '2024-03-04');
SET datestyle = 'SQL, DMY';
INSERT INTO tz_test VALUES ('01/02/2024 10:00', '03/04/2024');
