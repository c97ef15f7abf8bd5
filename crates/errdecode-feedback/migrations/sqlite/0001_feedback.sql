-- One row per verdict. No paste, token, secret, id, UPN, tenant or address: only the
-- knowledge base's own ids, confidences and the facts' fingerprint.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL CHECK (length(day) = 10),
    kb_version TEXT NOT NULL,
    entry TEXT,
    causes TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'rejected', 'none')),
    cause TEXT,
    fp_codes TEXT NOT NULL,
    fp_status INTEGER,
    fp_endpoint TEXT,
    fp_flow TEXT,
    fp_cloud TEXT,
    fp_token_kind TEXT
);
CREATE INDEX feedback_entry_cause ON feedback (entry, cause, verdict);
CREATE INDEX feedback_day ON feedback (day);
