CREATE TABLE ops.half (id int);
SELECT 1/0;
