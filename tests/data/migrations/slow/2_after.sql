CREATE TABLE ops.after_slow (id int);
