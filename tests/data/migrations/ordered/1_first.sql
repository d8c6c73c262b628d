-- first
CREATE TABLE ops.t1 (id int);
