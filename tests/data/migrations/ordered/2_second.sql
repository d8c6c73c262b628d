-- second
CREATE TABLE ops.t2 (id int);
