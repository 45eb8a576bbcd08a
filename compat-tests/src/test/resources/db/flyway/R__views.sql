CREATE OR REPLACE VIEW author_books AS SELECT a.name, book_count(a.id) AS books FROM author a;
