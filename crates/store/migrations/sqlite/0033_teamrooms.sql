-- Team rooms: every team, service area and the whole service has a room (made with the team or
-- area, see teamrooms::ensure_rooms). A room holds threads: an opening post with a title, and its
-- replies. Pinned opening posts are the room's noticeboard; an opening post in the whole service's
-- room may be a national announcement, shown on everyone's home page until they have read it.
CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('team', 'area', 'national')),
    team_id TEXT REFERENCES teams (id),
    service_area_id TEXT REFERENCES service_areas (id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX rooms_team ON rooms (team_id) WHERE kind = 'team';
CREATE UNIQUE INDEX rooms_area ON rooms (service_area_id) WHERE kind = 'area';
CREATE UNIQUE INDEX rooms_national ON rooms (kind) WHERE kind = 'national';

CREATE TABLE room_posts (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms (id),
    -- The thread's opening post, for a reply; none for an opening post, which has a title.
    thread_id TEXT REFERENCES room_posts (id),
    author_id TEXT NOT NULL REFERENCES staff (id),
    title TEXT,
    body TEXT NOT NULL,
    announcement INTEGER NOT NULL DEFAULT 0 CHECK (announcement IN (0, 1)),
    pinned_at TEXT,
    pinned_by TEXT REFERENCES staff (id),
    hidden_at TEXT,
    hidden_by TEXT REFERENCES staff (id),
    hidden_reason TEXT,
    -- For an opening post: how many replies, and when the thread last moved (threads are listed by it).
    replies BIGINT NOT NULL DEFAULT 0,
    active_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((thread_id IS NULL) = (title IS NOT NULL))
);
CREATE INDEX room_posts_threads ON room_posts (room_id, active_at) WHERE thread_id IS NULL;
CREATE INDEX room_posts_replies ON room_posts (thread_id, created_at) WHERE thread_id IS NOT NULL;
CREATE INDEX room_posts_pinned ON room_posts (room_id, pinned_at) WHERE pinned_at IS NOT NULL;
CREATE INDEX room_posts_announcements ON room_posts (created_at) WHERE announcement = 1;

CREATE TABLE room_reactions (
    post_id TEXT NOT NULL REFERENCES room_posts (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    reaction TEXT NOT NULL CHECK (reaction IN ('thanks', 'agree', 'celebrate')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_id, staff_id, reaction)
);

-- Who has read which national announcement: it leaves their home page once read.
CREATE TABLE announcement_reads (
    post_id TEXT NOT NULL REFERENCES room_posts (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (post_id, staff_id)
);
