-- tenth
CREATE TABLE ops.t10 (id int);
