-- first, edited after it was applied
CREATE TABLE ops.t1 (id int, extra text);
