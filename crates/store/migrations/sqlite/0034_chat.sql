-- Chat: conversations between two people (one per pair, whoever starts it) or a small named
-- group. Only members read a conversation; each member's read_up_to is the time of the last
-- message they have seen, which gives unread counts and "seen" markers. Messages older than the
-- retention setting are deleted by a periodic task.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT,
    pair_key TEXT,
    started_by TEXT NOT NULL REFERENCES staff (id),
    created_at TEXT NOT NULL,
    last_message_at TEXT,
    CHECK ((pair_key IS NULL) = (title IS NOT NULL))
);
CREATE UNIQUE INDEX conversations_pair ON conversations (pair_key) WHERE pair_key IS NOT NULL;

CREATE TABLE conversation_members (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    read_up_to TEXT,
    PRIMARY KEY (conversation_id, staff_id)
);
CREATE INDEX conversation_members_staff ON conversation_members (staff_id);

CREATE TABLE chat_messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    author_id TEXT NOT NULL REFERENCES staff (id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX chat_messages_conversation ON chat_messages (conversation_id, created_at);
CREATE INDEX chat_messages_created ON chat_messages (created_at);
