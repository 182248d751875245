-- Add a status column and index it.
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
ALTER TABLE orders ADD COLUMN status_changed_at timestamptz;
ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);
CREATE INDEX orders_status_idx ON orders (status);
