-- nianbao corpus schema, version 1 (SQLite). Documented in docs/store.md.
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    content     BLOB    NOT NULL,
    first_seen  TEXT    NOT NULL
);
CREATE TABLE origins (
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    origin      TEXT    NOT NULL,
    seen_at     TEXT    NOT NULL,
    PRIMARY KEY (source_id, origin)
);
CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    region_code TEXT,
    level       TEXT,
    kind_class  TEXT    NOT NULL,
    kind_name   TEXT    NOT NULL,
    resolution  TEXT    NOT NULL,
    evidence    TEXT    NOT NULL,
    candidates  TEXT    NOT NULL
);
CREATE INDEX agencies_region ON agencies(region_code);
CREATE TABLE agency_overrides (
    name        TEXT    PRIMARY KEY,
    region_code TEXT    NOT NULL,
    kind_name   TEXT,
    assigned_at TEXT    NOT NULL
);
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL UNIQUE REFERENCES sources(id),
    status          TEXT    NOT NULL,
    error           TEXT,
    parser_version  TEXT    NOT NULL,
    parsed_at       TEXT    NOT NULL,
    year            INTEGER,
    template        TEXT,
    agency_name     TEXT,
    agency_id       INTEGER REFERENCES agencies(id),
    published       TEXT,
    index_number    TEXT,
    document_number TEXT,
    title           TEXT,
    n_errors        INTEGER NOT NULL,
    n_warnings      INTEGER NOT NULL
);
CREATE INDEX reports_agency_year ON reports(agency_id, year);
CREATE INDEX reports_year ON reports(year);
CREATE TABLE cells (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    cell        TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    num         REAL    NOT NULL,
    blank       INTEGER NOT NULL,
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    location    TEXT,
    PRIMARY KEY (report_id, cell)
) WITHOUT ROWID;
CREATE TABLE sections (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    number      INTEGER NOT NULL,
    heading     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    PRIMARY KEY (report_id, number)
);
CREATE TABLE diagnostics (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    stage       TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    code        TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    cells       TEXT    NOT NULL,
    span_start  INTEGER,
    span_end    INTEGER,
    line        INTEGER,
    PRIMARY KEY (report_id, stage, seq)
);
CREATE INDEX diagnostics_code ON diagnostics(code);
