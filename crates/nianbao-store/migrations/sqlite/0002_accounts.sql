-- nianbao schema, version 2 (SQLite): accounts, sessions and the audit log of the agency
-- workbench. Documented in docs/store.md.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'supervisor')),
    region_code   TEXT,
    created_at    TEXT    NOT NULL
);
CREATE TABLE user_agencies (
    user_id     INTEGER NOT NULL REFERENCES users(id),
    agency      TEXT    NOT NULL,
    PRIMARY KEY (user_id, agency)
);
CREATE TABLE sessions (
    token_sha256 TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    action      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    detail      TEXT    NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject);
