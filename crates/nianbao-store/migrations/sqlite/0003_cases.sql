-- nianbao schema, version 3 (SQLite): the request register of the agency workbench.
-- Dates are ISO `YYYY-MM-DD` text. Documented in docs/store.md.
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    agency      TEXT    NOT NULL,
    applicant   TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    received    TEXT    NOT NULL,
    request     TEXT    NOT NULL,
    answered    TEXT,
    outcome     TEXT,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX cases_agency ON cases(agency, received);
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    kind        TEXT    NOT NULL,
    on_date     TEXT    NOT NULL,
    days        INTEGER,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id);
