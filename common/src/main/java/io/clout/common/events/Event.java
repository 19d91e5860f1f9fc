package io.clout.common.events;

import java.time.Instant;

/** One accepted engagement event, as the raw contract defines it (docs/events.md). */
public record Event(
    String network,
    String eventId,
    EventType type,
    String actorId,
    String targetId,
    String postId,
    Instant occurredAt,
    String text,
    String replyToId) {}
