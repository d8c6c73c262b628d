CREATE TABLE ops.fine (id int);
