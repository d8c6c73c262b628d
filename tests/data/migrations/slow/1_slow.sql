-- deliberately slow, so a second migrator has to wait for the lock
SELECT pg_sleep(0.5);
CREATE TABLE ops.once (id int);
