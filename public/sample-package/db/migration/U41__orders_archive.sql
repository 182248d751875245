-- Undo V41: the archive table goes, and its rows with it.
DROP TABLE orders_archive;
