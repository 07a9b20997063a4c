"""Named, append-only schema migrations (sqlite-utils `Migrations`).

Never edit or reorder an applied migration: add a new function at the end.
All times are Unix epoch seconds (REAL, UTC); the clients format them.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("shareinbox")

_M001 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE account (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  address TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'unknown',      -- unknown | ok | error
  last_error TEXT,
  last_error_at REAL,
  last_sync_at REAL,
  capabilities TEXT NOT NULL DEFAULT ''
);

CREATE TABLE folder (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES account(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'inbox',         -- inbox | sent | other
  uidvalidity INTEGER,
  uidnext INTEGER,
  highestmodseq INTEGER,
  last_full_scan_at REAL,
  UNIQUE (account_id, name)
);

CREATE TABLE raw_message (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  data BLOB NOT NULL
);

CREATE TABLE customer (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  merged_into INTEGER REFERENCES customer(id),
  created_at REAL NOT NULL
);

CREATE TABLE customer_address (
  address TEXT PRIMARY KEY,                   -- lower-case addr-spec
  customer_id INTEGER NOT NULL REFERENCES customer(id),
  masked INTEGER NOT NULL DEFAULT 0           -- a mall relay address
);
CREATE INDEX customer_address_customer ON customer_address(customer_id);

CREATE TABLE thread (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES account(id),
  customer_id INTEGER REFERENCES customer(id),
  subject TEXT NOT NULL DEFAULT '',
  subject_key TEXT NOT NULL DEFAULT '',       -- normalised subject, for threading
  status TEXT NOT NULL DEFAULT 'new'
    CHECK (status IN ('new', 'open', 'waiting', 'done', 'spam')),
  assignee TEXT,
  locked_by TEXT,
  lock_expires_at REAL,
  category TEXT,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  first_message_at REAL,
  last_message_at REAL,
  last_inbound_at REAL,
  message_count INTEGER NOT NULL DEFAULT 0,
  first_response_due_at REAL,
  first_response_at REAL,
  waiting_reason TEXT,
  waiting_until REAL,
  spam_reason TEXT
);
CREATE INDEX thread_status_last ON thread(status, last_message_at);
CREATE INDEX thread_last ON thread(last_message_at);
CREATE INDEX thread_assignee ON thread(assignee);
CREATE INDEX thread_customer ON thread(customer_id);
CREATE INDEX thread_subject_key ON thread(subject_key);

CREATE TABLE thread_tag (
  thread_id INTEGER NOT NULL REFERENCES thread(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (thread_id, tag)
);

CREATE TABLE order_ref (
  order_id TEXT NOT NULL,
  thread_id INTEGER NOT NULL REFERENCES thread(id),
  customer_id INTEGER REFERENCES customer(id),
  PRIMARY KEY (order_id, thread_id)
);
CREATE INDEX order_ref_customer ON order_ref(customer_id);

CREATE TABLE message (
  id INTEGER PRIMARY KEY,
  thread_id INTEGER REFERENCES thread(id),
  account_id INTEGER NOT NULL REFERENCES account(id),
  dedupe_key TEXT NOT NULL,                   -- Message-ID, else the raw sha256
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message_id TEXT,
  in_reply_to TEXT,
  refs TEXT NOT NULL DEFAULT '',              -- space-separated msg-ids
  subject TEXT NOT NULL DEFAULT '',
  from_addr TEXT NOT NULL DEFAULT '',
  from_name TEXT NOT NULL DEFAULT '',
  to_json TEXT NOT NULL DEFAULT '[]',
  cc_json TEXT NOT NULL DEFAULT '[]',
  date_at REAL,                               -- the Date header
  received_at REAL NOT NULL,                  -- when we first saw it
  raw_sha256 TEXT NOT NULL REFERENCES raw_message(sha256),
  size INTEGER NOT NULL DEFAULT 0,
  attachments_json TEXT NOT NULL DEFAULT '[]',
  headers_json TEXT NOT NULL DEFAULT '{}',
  defects_json TEXT NOT NULL DEFAULT '[]',
  parse_error TEXT,
  source TEXT NOT NULL DEFAULT 'imap',        -- imap | import | sent | demo
  sent_by TEXT,                               -- staff login, outgoing only
  UNIQUE (account_id, dedupe_key)
);
CREATE INDEX message_thread ON message(thread_id, date_at);
CREATE INDEX message_msgid ON message(message_id);
CREATE INDEX message_from ON message(from_addr);

CREATE TABLE message_body (
  message_id INTEGER PRIMARY KEY REFERENCES message(id),
  text TEXT NOT NULL
);

CREATE TABLE message_location (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES message(id),
  folder_id INTEGER NOT NULL REFERENCES folder(id),
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '',
  modseq INTEGER,
  UNIQUE (folder_id, uidvalidity, uid)
);
CREATE INDEX message_location_message ON message_location(message_id);

CREATE TABLE note (
  id INTEGER PRIMARY KEY,
  thread_id INTEGER NOT NULL REFERENCES thread(id),
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX note_thread ON note(thread_id);

CREATE TABLE phone_memo (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customer(id),
  thread_id INTEGER REFERENCES thread(id),
  author TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),
  body TEXT NOT NULL,
  called_at REAL NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX phone_memo_customer ON phone_memo(customer_id);
CREATE INDEX phone_memo_thread ON phone_memo(thread_id);

CREATE TABLE event (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at REAL NOT NULL,
  kind TEXT NOT NULL,
  thread_id INTEGER,
  actor TEXT,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX event_thread ON event(thread_id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  thread_id INTEGER REFERENCES thread(id),
  account_id INTEGER NOT NULL REFERENCES account(id),
  author TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN
    ('draft', 'awaiting_approval', 'queued', 'sending', 'sent', 'failed')),
  message_id TEXT NOT NULL UNIQUE,
  in_reply_to TEXT,
  refs TEXT NOT NULL DEFAULT '',
  to_json TEXT NOT NULL DEFAULT '[]',
  cc_json TEXT NOT NULL DEFAULT '[]',
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  attachments_json TEXT NOT NULL DEFAULT '[]',
  template TEXT,
  after_status TEXT,
  raw BLOB,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at REAL,
  approved_by TEXT,
  review_comment TEXT,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  sent_at REAL,
  appended_at REAL
);
CREATE INDEX outbox_state ON outbox(state, next_attempt_at);
CREATE INDEX outbox_thread ON outbox(thread_id);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at REAL NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  thread_id INTEGER,
  detail TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit(actor, at);
CREATE INDEX audit_thread ON audit(thread_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TABLE blocklist (
  pattern TEXT PRIMARY KEY,                   -- address or @domain, lower-case
  added_by TEXT NOT NULL,
  added_at REAL NOT NULL
);
"""


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The first schema: mirror, threads, customers, team work, outbox, audit."""
    for statement in _split(_M001):
        db.execute(statement)


def _split(script: str) -> list[str]:
    """Split a schema script into statements (triggers kept whole)."""
    statements, current = [], []
    for line in script.splitlines():
        code = line.split("--", 1)[0].rstrip()
        if not code:
            continue
        current.append(code)
        text = "\n".join(current)
        if text.endswith(";") and (
            not text.lstrip().startswith("CREATE TRIGGER") or text.endswith("END;")
        ):
            statements.append(text)
            current = []
    return statements


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every pending migration; return the names applied."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


_M002 = """
CREATE TABLE search_text (
  message_id INTEGER PRIMARY KEY REFERENCES message(id),
  text TEXT NOT NULL                          -- normalised subject, sender, body
);
CREATE VIRTUAL TABLE search_trigram USING fts5(
  text, content='', detail='none', columnsize=0, tokenize='trigram'
);
CREATE VIRTUAL TABLE search_units USING fts5(
  units, content='', detail='none', columnsize=0, tokenize='ascii'
);
CREATE INDEX message_received ON message(received_at);

CREATE TABLE message_ref (
  account_id INTEGER NOT NULL REFERENCES account(id),
  ref TEXT NOT NULL,                          -- a Message-ID this message refers to
  message_id INTEGER NOT NULL REFERENCES message(id),
  PRIMARY KEY (account_id, ref, message_id)
) WITHOUT ROWID;
"""


@migrations()
def m002_search(db: sqlite_utils.Database) -> None:
    """Full-text search (trigrams + characters) and reply lookups.

    `search_text` holds each message's normalised text; `search_trigram`
    indexes its trigrams (terms of three or more characters), `search_units`
    the set of its characters (hex-encoded UTF-16 units: 1-2 character terms
    such as 返品 or 注文, which have no trigram). Both store only which
    messages hold a token (detail=none): cheap to build, and candidates are
    confirmed against `search_text`. `message_ref` finds the messages that
    refer to a Message-ID, so a thread forms whatever order its messages
    arrive in.
    """
    for statement in _split(_M002):
        db.execute(statement)


_M003 = """
ALTER TABLE thread ADD COLUMN locked_at REAL;
ALTER TABLE thread ADD COLUMN lock_client TEXT;
CREATE INDEX thread_assignee_last ON thread(assignee, last_message_at);
CREATE INDEX thread_account_last ON thread(account_id, last_message_at);
CREATE INDEX thread_waiting_until ON thread(waiting_until)
  WHERE waiting_until IS NOT NULL;
CREATE INDEX thread_due ON thread(first_response_due_at)
  WHERE first_response_at IS NULL;
CREATE INDEX thread_locked ON thread(lock_expires_at) WHERE locked_by IS NOT NULL;
CREATE INDEX thread_lock_client ON thread(lock_client) WHERE lock_client IS NOT NULL;
CREATE INDEX thread_tag_tag ON thread_tag(tag, thread_id);
CREATE INDEX thread_counts ON thread(account_id, status, assignee,
  first_response_due_at, first_response_at, waiting_until);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX event_kind ON event(kind, thread_id);
"""


@migrations()
def m003_teamwork(db: sqlite_utils.Database) -> None:
    """Reply-lock bookkeeping and the indexes of the team's thread views.

    `locked_at` says since when a lock is held (shown in a Conflict);
    `lock_client` names the connection that holds it, so the daemon can let
    the locks of a dropped connection lapse. The indexes serve each view of
    `store.queries` in `last_message_at` order; `thread_counts` covers the
    one scan that counts every view.
    """
    for statement in _split(_M003):
        db.execute(statement)


_M004 = """
ALTER TABLE outbox ADD COLUMN submitted_at REAL;
ALTER TABLE outbox ADD COLUMN reviewed_at REAL;
ALTER TABLE outbox ADD COLUMN route TEXT;
ALTER TABLE outbox ADD COLUMN sending_at REAL;
ALTER TABLE outbox ADD COLUMN smtp_reply TEXT;
ALTER TABLE outbox ADD COLUMN sent_message INTEGER REFERENCES message(id);
CREATE INDEX outbox_author ON outbox(author, state);
CREATE INDEX outbox_updated ON outbox(updated_at);
CREATE TABLE outbox_attachment (
  id INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  added_at REAL NOT NULL
);
CREATE INDEX outbox_attachment_outbox ON outbox_attachment(outbox_id);
"""


@migrations()
def m004_outbox(db: sqlite_utils.Database) -> None:
    """Outgoing replies: review and sending bookkeeping, attached files.

    `submitted_at`/`reviewed_at` date the approval steps; `route` names the
    relay a reply went through ('' = the account's own server);
    `sending_at` marks the attempt in progress (with the journal file, what
    a restarted daemon checks before sending again); `smtp_reply` is the
    server's answer; `sent_message` the stored copy in the thread. Attached
    files live in `outbox_attachment`, uploaded by the client (which reads
    them with the staff member's own permissions, never the daemon's).
    """
    for statement in _split(_M004):
        db.execute(statement)


_M005 = """
ALTER TABLE thread ADD COLUMN due_reminded_at REAL;
ALTER TABLE blocklist ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE INDEX thread_due_soon ON thread(first_response_due_at)
  WHERE first_response_at IS NULL AND due_reminded_at IS NULL;
"""


@migrations()
def m005_ops(db: sqlite_utils.Database) -> None:
    """Team rules over time: the SLA reminder mark and block-list notes.

    `due_reminded_at` records that a thread's "due soon" reminder went out
    (once per thread); `blocklist.note` says why a sender was blocked
    (``config`` for the patterns of ``[spam] block``).
    """
    for statement in _split(_M005):
        db.execute(statement)


_M006 = """
ALTER TABLE folder ADD COLUMN first_sync_at REAL;
ALTER TABLE folder ADD COLUMN history_before REAL;
"""


@migrations()
def m006_history(db: sqlite_utils.Database) -> None:
    """Onboarding an existing mailbox: old mail becomes history.

    `first_sync_at` is when a folder's first sync began; `history_before`
    is set while that first sync is under way (also across a crash and
    restart): mail received before it is filed as history (done, no rules,
    no deadline). It is cleared when the first sync completes.
    """
    for statement in _split(_M006):
        db.execute(statement)


_M007 = """
CREATE INDEX message_id_thread ON message(id, thread_id);
CREATE TABLE folder_count (
  folder_id INTEGER NOT NULL REFERENCES folder(id),
  uidvalidity INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  PRIMARY KEY (folder_id, uidvalidity)
) WITHOUT ROWID;
INSERT INTO folder_count (folder_id, uidvalidity, messages)
  SELECT folder_id, uidvalidity, COUNT(*) FROM message_location
  GROUP BY folder_id, uidvalidity;
CREATE TRIGGER folder_count_insert AFTER INSERT ON message_location BEGIN
  INSERT INTO folder_count (folder_id, uidvalidity, messages)
    VALUES (NEW.folder_id, NEW.uidvalidity, 1)
    ON CONFLICT (folder_id, uidvalidity) DO UPDATE SET messages = messages + 1;
END;
CREATE TRIGGER folder_count_delete AFTER DELETE ON message_location BEGIN
  UPDATE folder_count SET messages = messages - 1
    WHERE folder_id = OLD.folder_id AND uidvalidity = OLD.uidvalidity;
END;
CREATE TRIGGER folder_count_move AFTER UPDATE OF folder_id, uidvalidity
  ON message_location BEGIN
  UPDATE folder_count SET messages = messages - 1
    WHERE folder_id = OLD.folder_id AND uidvalidity = OLD.uidvalidity;
  INSERT INTO folder_count (folder_id, uidvalidity, messages)
    VALUES (NEW.folder_id, NEW.uidvalidity, 1)
    ON CONFLICT (folder_id, uidvalidity) DO UPDATE SET messages = messages + 1;
END;
"""


@migrations()
def m007_speed(db: sqlite_utils.Database) -> None:
    """A message's thread without its wide row; a folder's count in O(1).

    `message_id_thread` maps search matches to their threads from a few MB
    of index instead of one page of `message` each. `folder_count` holds
    how many locations each folder incarnation has, kept by triggers in the
    transaction that changes them (so always with the cursor), for the
    no-change check of a sync.
    """
    for statement in _split(_M007):
        db.execute(statement)
