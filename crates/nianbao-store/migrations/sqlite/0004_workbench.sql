-- nianbao schema, version 4 (SQLite): the rest of the agency workbench's record.
-- Dates are ISO `YYYY-MM-DD` text. Documented in docs/store.md.
ALTER TABLE cases ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN contact TEXT NOT NULL DEFAULT '';
-- A 收费通知 on a case (国办函〔2020〕109号); one per case.
CREATE TABLE case_fees (
    case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
    method      TEXT    NOT NULL,
    units       INTEGER NOT NULL,
    yuan        INTEGER NOT NULL,
    explanation TEXT    NOT NULL,
    noticed     TEXT    NOT NULL,
    paid        TEXT,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT    NOT NULL
);
-- 行政复议 and 行政诉讼 about the agency's disclosure work (table 四).
CREATE TABLE review_cases (
    id          INTEGER PRIMARY KEY,
    agency      TEXT    NOT NULL,
    case_id     INTEGER REFERENCES cases(id),
    kind        TEXT    NOT NULL,
    filed       TEXT    NOT NULL,
    decided     TEXT,
    result      TEXT,
    note        TEXT    NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX review_cases_agency ON review_cases(agency, filed);
-- Table 二 figures as entered, by cell key.
CREATE TABLE proactive_figures (
    agency      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    cell        TEXT    NOT NULL,
    value       INTEGER NOT NULL,
    PRIMARY KEY (agency, year, cell)
);
-- The narrative of a year's report as edited, by section (1–6).
CREATE TABLE report_drafts (
    agency      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    section     INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES users(id),
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (agency, year, section)
);
-- Settings edited by the administrator (`calendar`: the holiday table in force).
CREATE TABLE settings (
    key         TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES users(id),
    updated_at  TEXT    NOT NULL
);
