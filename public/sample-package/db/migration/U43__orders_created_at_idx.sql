ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;
DROP INDEX orders_created_at_idx;
