-- nianbao schema, version 5 (SQLite): the reports whose cross-year check is still owed.
-- A report enters in the transaction that stores it (or re-reads it) and leaves when the
-- cross-year pass has stored its findings, so a pass cut short (kill -9, a full disk)
-- is finished by the next one. Every report stored before version 5 is owed one.
CREATE TABLE across_years_pending (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id)
);
INSERT INTO across_years_pending (report_id) SELECT id FROM reports;
